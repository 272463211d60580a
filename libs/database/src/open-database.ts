import { Pool } from 'pg';
import { EmbeddedDatabase } from './embedded-database';
import { SqlDatabase } from './sql-database';

export interface DatabaseOptions {
  /** PostgreSQL; unset: the embedded store in `dataDir`. */
  url?: string;
  dataDir: string;
  poolSize: number;
  /** An idle PostgreSQL connection broke: the pool replaces it. */
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
  });
  pool.on('error', (error) => options.onIdleError?.(error));
  return pool;
}
