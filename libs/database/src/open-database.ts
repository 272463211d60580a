import { Pool } from 'pg';
import { EmbeddedDatabase } from './embedded-database';
import { SqlDatabase, watchPool } from '@wix-pos-gateway/pos-sdk';

export interface DatabaseOptions {
  /** PostgreSQL; unset: the embedded store in `dataDir`. */
  url?: string;
  dataDir: string;
  poolSize: number;
  /** Every statement is cancelled by the server after this long, and given up by the client soon after. */
  statementTimeoutMs?: number;
  /** A PostgreSQL connection broke: the pool replaces it. */
  onIdleError?: (error: Error) => void;
}

export async function openDatabase(options: DatabaseOptions): Promise<SqlDatabase> {
  if (!options.url) return EmbeddedDatabase.open(options.dataDir);
  // Without a connect timeout a connection attempt to a restarting server can wait forever,
  // and with every pooled slot waiting the worker stops answering.
  const pool = new Pool({
    connectionString: options.url,
    max: options.poolSize,
    connectionTimeoutMillis: 2_000,
    // A hung statement or a silently dead connection must not hold an order (and its slot)
    // forever: the server cancels it, the client gives up on it, TCP notices a dead peer.
    statement_timeout: options.statementTimeoutMs,
    query_timeout: options.statementTimeoutMs && options.statementTimeoutMs + 1_000,
    keepAlive: true,
    keepAliveInitialDelayMillis: 10_000,
  });
  watchPool(pool, (error) => options.onIdleError?.(error));
  return pool;
}
