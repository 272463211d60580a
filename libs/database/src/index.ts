export { watchPool, type SqlClient, type SqlDatabase, type SqlResult } from '@app/pos-sdk';
export * from './embedded-database';
export * from './open-database';
