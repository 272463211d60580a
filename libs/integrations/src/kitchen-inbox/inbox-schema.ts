import { SqlDatabase } from '@wix-pos-gateway/pos-sdk';
import { CARD_LOCK_CLASS, ORDER_LOCK_CLASS } from './inbox-voids';

/** Any constant will do, as long as nothing else in the database takes the same lock. */
const SCHEMA_LOCK = 7_311_402_002;
/** One attempt's card lock, in `card_authorize` and `card_void` alike: they serialize on it. */
const LOCK_ATTEMPT_CARDS = `PERFORM pg_advisory_xact_lock(${CARD_LOCK_CLASS}, hashtext(p_brand || E'\n' || p_attempt_key));`;

/**
 * The kitchen's inbox: each accepted order with its mapped lines and a ticket number that
 * counts up per restaurant, and its card payments as authorized (masked). `voided_at` marks an
 * order that Wix was told had failed. `pos_inbox_voids` holds every voided idempotency key,
 * the order's or not yet: a create that comes after its void is refused. One short row per
 * void, and voids are rare. `pos_inbox_take` is an order's create, in one statement: it holds
 * the key's lock (`inbox-voids.ts`) to its end, waits for locks no longer than the order's
 * budget, and rolls back what it wrote if the budget ran out meanwhile. Each of its statements sees what committed before it ran, so the
 * void check, after the lock, sees a void that held the lock first. `card_authorizations` is the test card processor's.
 * `card_authorize` and `card_void` are its two calls, each in one statement that holds the
 * attempt's card lock: a void of an attempt voids what it authorized, and a final void (the
 * attempt's order voided) leaves a tombstone that refuses an authorization coming later.
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
  ALTER TABLE card_authorizations ADD COLUMN IF NOT EXISTS attempt_key text;
  UPDATE card_authorizations SET attempt_key = regexp_replace(idempotency_key, ':payment-[0-9]+$', '')
   WHERE attempt_key IS NULL;
  CREATE INDEX IF NOT EXISTS card_authorizations_attempt
    ON card_authorizations (brand, attempt_key);
  CREATE TABLE IF NOT EXISTS card_authorization_voids (
    brand            text        NOT NULL,
    attempt_key      text        NOT NULL,
    voided_at        timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (brand, attempt_key)
  );
  CREATE OR REPLACE FUNCTION card_authorize(
    p_key text, p_attempt_key text, p_brand text, p_wix_order_id text, p_amount bigint,
    p_currency text, p_card jsonb, p_outcome text, p_authorization_id text)
  RETURNS TABLE (auth_outcome text, auth_id text) LANGUAGE plpgsql AS $$
  BEGIN
    -- The tombstone check needs its own snapshot, taken after the lock.
    IF current_setting('transaction_isolation') <> 'read committed' THEN
      RAISE EXCEPTION 'the card processor needs READ COMMITTED, not %',
        current_setting('transaction_isolation');
    END IF;
    ${LOCK_ATTEMPT_CARDS}
    IF EXISTS (SELECT 1 FROM card_authorization_voids v
                WHERE v.brand = p_brand AND v.attempt_key = p_attempt_key) THEN
      RETURN QUERY SELECT 'voided'::text, NULL::text;
      RETURN;
    END IF;
    RETURN QUERY
    INSERT INTO card_authorizations AS a (idempotency_key, attempt_key, brand, wix_order_id,
                                          amount, currency, card, outcome, authorization_id)
    VALUES (p_key, p_attempt_key, p_brand, p_wix_order_id, p_amount, p_currency, p_card,
            p_outcome, p_authorization_id)
    ON CONFLICT (idempotency_key) DO UPDATE
      SET requests = a.requests + 1,
          attempt_key = COALESCE(a.attempt_key, EXCLUDED.attempt_key),
          outcome = CASE WHEN a.outcome = 'voided' THEN EXCLUDED.outcome ELSE a.outcome END,
          authorization_id = CASE WHEN a.outcome = 'voided' THEN EXCLUDED.authorization_id
                                  ELSE a.authorization_id END
    RETURNING a.outcome, a.authorization_id;
  END $$;
  CREATE OR REPLACE FUNCTION card_void(p_brand text, p_attempt_key text, p_final boolean)
  RETURNS void LANGUAGE plpgsql AS $$
  BEGIN
    ${LOCK_ATTEMPT_CARDS}
    IF p_final THEN
      INSERT INTO card_authorization_voids (brand, attempt_key) VALUES (p_brand, p_attempt_key)
      ON CONFLICT DO NOTHING;
    END IF;
    UPDATE card_authorizations SET outcome = 'voided'
     WHERE brand = p_brand AND attempt_key = p_attempt_key AND outcome = 'approved';
  END $$;
  CREATE TABLE IF NOT EXISTS pos_inbox_tickets (
    brand          text    NOT NULL,
    restaurant_id  text    NOT NULL,
    last_ticket    integer NOT NULL,
    PRIMARY KEY (brand, restaurant_id)
  );
  CREATE OR REPLACE FUNCTION pos_inbox_take(
    p_brand text, p_restaurant_id text, p_wix_order_id text, p_key text, p_lines jsonb,
    p_wix_order jsonb, p_received_at timestamptz, p_payments jsonb, p_budget_ms integer)
  RETURNS TABLE (was_voided boolean, taken_ticket integer) LANGUAGE plpgsql AS $$
  DECLARE
    taken integer;
    deadline timestamptz := statement_timestamp() + make_interval(secs => p_budget_ms / 1000.0);
  BEGIN
    -- The void check needs each statement's own snapshot, taken after the lock.
    IF current_setting('transaction_isolation') <> 'read committed' THEN
      RAISE EXCEPTION 'the POS inbox needs READ COMMITTED, not %',
        current_setting('transaction_isolation');
    END IF;
    PERFORM set_config('lock_timeout', greatest(p_budget_ms, 1)::text, true);
    PERFORM pg_advisory_xact_lock(${ORDER_LOCK_CLASS}, hashtext(p_brand || E'\n' || p_key));
    IF clock_timestamp() >= deadline THEN
      RAISE EXCEPTION 'the order reached the POS inbox after its deadline'
        USING ERRCODE = 'query_canceled';
    END IF;
    IF EXISTS (SELECT 1 FROM pos_inbox_voids v
                WHERE v.brand = p_brand AND v.idempotency_key = p_key) THEN
      RETURN QUERY SELECT true, NULL::integer;
      RETURN;
    END IF;
    SELECT i.ticket INTO taken FROM pos_inbox i
     WHERE i.brand = p_brand AND i.idempotency_key = p_key;
    IF FOUND THEN
      RETURN QUERY SELECT false, taken;
      RETURN;
    END IF;
    -- The restaurant's ticket row may be held by another order's take: wait only what is left.
    PERFORM set_config('lock_timeout',
      greatest(ceil(extract(epoch from deadline - clock_timestamp()) * 1000), 1)::text, true);
    INSERT INTO pos_inbox_tickets AS t (brand, restaurant_id, last_ticket)
    VALUES (p_brand, p_restaurant_id, 1)
    ON CONFLICT (brand, restaurant_id) DO UPDATE SET last_ticket = t.last_ticket + 1
    RETURNING t.last_ticket INTO taken;
    INSERT INTO pos_inbox (brand, restaurant_id, ticket, idempotency_key, wix_order_id, lines,
                           wix_order, received_at, payments)
    VALUES (p_brand, p_restaurant_id, taken, p_key, p_wix_order_id, p_lines, p_wix_order,
            p_received_at, p_payments);
    IF clock_timestamp() >= deadline THEN
      RAISE EXCEPTION 'the order was taken after its deadline: rolled back'
        USING ERRCODE = 'query_canceled';
    END IF;
    RETURN QUERY SELECT false, taken;
  END $$;
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
