export * from './pos-integration';
export * from './pos-errors';
export { loadConfig as readIntegrationConfig, toInt } from '@app/config';
export * from './conformance-harness';
export { cardSummary, maskPan, type CardSummary, type PaymentCard } from '@app/cards';
export type { SqlClient, SqlDatabase, SqlResult } from '@app/database';
export { watchPool } from '@app/database';
