export * from './logger';
export * from './command';
export * from './crash';
