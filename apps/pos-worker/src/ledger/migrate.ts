import { Logger } from '@nestjs/common';
import { SqlDatabase } from '@wix-pos-gateway/database';
import { migrations } from './migrations';

/** Any constant will do, as long as nothing else in the database takes the same lock. */
const MIGRATION_LOCK = 7_311_402_001;

/** Applies pending migrations, one worker at a time however many start together. */
export async function migrate(
  pool: SqlDatabase,
  log: (message: string) => void = (message) => new Logger('migrate').log(message),
): Promise<void> {
  const client = await pool.connect();
  try {
    await client.query('SELECT pg_advisory_lock($1)', [MIGRATION_LOCK]);
    await client.query(`CREATE TABLE IF NOT EXISTS schema_migrations (
      version integer PRIMARY KEY, name text NOT NULL, applied_at timestamptz NOT NULL DEFAULT now())`);
    const { rows } = await client.query<{ version: number }>(
      'SELECT version FROM schema_migrations',
    );
    const applied = new Set(rows.map((row) => row.version));
    for (const migration of migrations.filter((m) => !applied.has(m.version))) {
      await client.query('BEGIN');
      try {
        await client.query(migration.sql);
        await client.query('INSERT INTO schema_migrations (version, name) VALUES ($1, $2)', [
          migration.version,
          migration.name,
        ]);
        await client.query('COMMIT');
      } catch (error) {
        await client.query('ROLLBACK');
        throw error;
      }
      log(`applied migration ${migration.version}: ${migration.name}`);
    }
  } finally {
    await client.query('SELECT pg_advisory_unlock($1)', [MIGRATION_LOCK]).catch(() => undefined);
    client.release();
  }
}
