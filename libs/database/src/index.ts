export * from './sql-database';
export * from './embedded-database';
export * from './open-database';
