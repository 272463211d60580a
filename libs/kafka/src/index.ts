export * from './kafka-client';
export * from './topic-admin';
export * from './request-client';
export * from './order-consumer.server';
export * from './kafka-probe';
export * from './acls';
export * from './startup';
export * from './request-queue-timer';
