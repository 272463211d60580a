export * from './load-config';
export * from './kafka-env';
export * from './logger';
export * from './command';
