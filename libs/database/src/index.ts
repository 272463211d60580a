export {
  watchPool,
  type SqlClient,
  type SqlDatabase,
  type SqlResult,
} from '@wix-pos-gateway/pos-sdk';
export * from './embedded-database';
export * from './open-database';
export * from './prepared';
export * from './tick-batch';
export * from './unreachable';
