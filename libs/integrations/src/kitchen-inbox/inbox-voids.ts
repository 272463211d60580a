import { SqlClient } from '@wix-pos-gateway/pos-sdk';

/** The first key of the inbox's per-order locks; the second is a hash of brand and key. */
export const ORDER_LOCK_CLASS = 7_311_402;
/** The first key of the test card processor's per-attempt locks (`card_authorize`, `card_void`). */
export const CARD_LOCK_CLASS = 7_311_403;

/**
 * Serializes a create (`pos_inbox_take`, which takes the same lock) and a void of one
 * idempotency key until the transaction ends. Without it a void could run while the create's
 * row is not yet committed: the void would find no order to mark, its tombstone would come too
 * late for the create's check, and the order would stay live. Two-key advisory locks do not
 * collide with the schema's one-key lock.
 */
export async function lockOrderKey(client: SqlClient, brand: string, key: string): Promise<void> {
  await client.query('SELECT pg_advisory_xact_lock($1, hashtext($2))', [
    ORDER_LOCK_CLASS,
    `${brand}\n${key}`,
  ]);
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
