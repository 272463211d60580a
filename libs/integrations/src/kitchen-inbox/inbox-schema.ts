import { SqlDatabase } from '@wix-pos-gateway/pos-sdk';

/** Any constant will do, as long as nothing else in the database takes the same lock. */
const SCHEMA_LOCK = 7_311_402_002;

/**
 * The kitchen's inbox: each accepted order with its mapped lines and a ticket number that
 * counts up per restaurant, and its card payments as authorized (masked). `voided_at` marks an
 * order that Wix was told had failed. `pos_inbox_voids` holds every voided idempotency key,
 * the order's or not yet: a create that comes after its void is refused. One short row per
 * void, and voids are rare. `card_authorizations` is the test card processor's.
 */
const SCHEMA = `
  CREATE TABLE IF NOT EXISTS pos_inbox (
    brand            text        NOT NULL,
    restaurant_id    text        NOT NULL,
    ticket           integer     NOT NULL,
    idempotency_key  text        NOT NULL,
    wix_order_id     text        NOT NULL,
    lines            jsonb       NOT NULL,
    wix_order        jsonb       NOT NULL,
    received_at      timestamptz NOT NULL,
    created_at       timestamptz NOT NULL DEFAULT now(),
    voided_at        timestamptz,
    PRIMARY KEY (brand, restaurant_id, ticket),
    UNIQUE (brand, idempotency_key)
  );
  ALTER TABLE pos_inbox ADD COLUMN IF NOT EXISTS payments jsonb NOT NULL DEFAULT '[]';
  CREATE TABLE IF NOT EXISTS pos_inbox_voids (
    brand            text        NOT NULL,
    idempotency_key  text        NOT NULL,
    voided_at        timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (brand, idempotency_key)
  );
  CREATE TABLE IF NOT EXISTS card_authorizations (
    idempotency_key   text        PRIMARY KEY,
    brand             text        NOT NULL,
    wix_order_id      text        NOT NULL,
    amount            bigint      NOT NULL,
    currency          text        NOT NULL,
    card              jsonb       NOT NULL,
    outcome           text        NOT NULL,
    authorization_id  text,
    requests          integer     NOT NULL DEFAULT 1,
    created_at        timestamptz NOT NULL DEFAULT now()
  );
  CREATE TABLE IF NOT EXISTS pos_inbox_tickets (
    brand          text    NOT NULL,
    restaurant_id  text    NOT NULL,
    last_ticket    integer NOT NULL,
    PRIMARY KEY (brand, restaurant_id)
  );
`;

export async function createInbox(pool: SqlDatabase): Promise<void> {
  const client = await pool.connect();
  try {
    await client.query('SELECT pg_advisory_lock($1)', [SCHEMA_LOCK]);
    await client.query(SCHEMA);
  } finally {
    await client.query('SELECT pg_advisory_unlock($1)', [SCHEMA_LOCK]).catch(() => undefined);
    client.release();
  }
}
