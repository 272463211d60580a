export * from './pos-integration';
export * from './pos-errors';
export * from './wix-order';
export * from './cards';
export * from './sql-database';
export * from './integration-config';
export * from './conformance-harness';
