import { SqlClient } from '@wix-pos-gateway/pos-sdk';

/** The first key of the inbox's per-order locks; the second is a hash of brand and key. */
const ORDER_LOCK_CLASS = 7_311_402;

/**
 * Begins a transaction that holds the key's lock until it ends, in one round trip (a simple
 * query of several statements, so the key travels as a quoted literal). The lock serializes a
 * create and a void of one idempotency key. Without it a void could run while the create's row
 * is not yet committed: the void would find no order to mark, its tombstone would come too
 * late for the create's check, and the order would stay live. Two-key advisory locks do not
 * collide with the schema's one-key lock. `statementTimeoutMs`, if given, bounds every
 * statement of the transaction, the lock's wait included.
 */
export async function beginLocked(
  client: SqlClient,
  brand: string,
  key: string,
  statementTimeoutMs?: number,
): Promise<void> {
  const timeout =
    statementTimeoutMs === undefined
      ? ''
      : ` SET LOCAL statement_timeout = ${Math.max(1, Math.round(statementTimeoutMs))};`;
  await client.query(
    `BEGIN;${timeout} SELECT pg_advisory_xact_lock(${ORDER_LOCK_CLASS}, hashtext(${sqlLiteral(`${brand}\n${key}`)}))`,
  );
}

/**
 * `text` as a PostgreSQL string literal, whatever `standard_conforming_strings` says: quotes
 * doubled and, when it holds a backslash, the escape form with backslashes doubled (as
 * node-postgres's `escapeLiteral` does).
 */
export function sqlLiteral(text: string): string {
  if (text.includes('\0')) throw new Error('a PostgreSQL string cannot hold a NUL character');
  const quoted = text.replaceAll("'", "''");
  return text.includes('\\') ? `E'${quoted.replaceAll('\\', '\\\\')}'` : `'${quoted}'`;
}

/** Voids the key's order, if the inbox has it, and leaves the key's tombstone either way. */
export async function voidOrderKey(client: SqlClient, brand: string, key: string): Promise<void> {
  await client.query(
    `WITH tombstone AS (
       INSERT INTO pos_inbox_voids (brand, idempotency_key) VALUES ($1, $2)
       ON CONFLICT DO NOTHING
     )
     UPDATE pos_inbox SET voided_at = now()
      WHERE brand = $1 AND idempotency_key = $2 AND voided_at IS NULL`,
    [brand, key],
  );
}
