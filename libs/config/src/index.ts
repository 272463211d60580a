export * from './load-config';
export * from './kafka-env';
export * from './logger';
export * from './command';
export * from './crash';
export * from './openapi';
