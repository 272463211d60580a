/** Versioned schema changes, applied in order on start; never edit one that has shipped. */
export const migrations: ReadonlyArray<{ version: number; name: string; sql: string }> = [
  {
    version: 1,
    name: 'accepted orders',
    sql: `
      CREATE SEQUENCE pos_order_number;
      CREATE TABLE pos_orders (
        brand          text        NOT NULL,
        wix_order_id   text        NOT NULL,
        pos_order_id   text        NOT NULL UNIQUE,
        restaurant_id  text        NOT NULL,
        lines          jsonb       NOT NULL,
        wix_order      jsonb       NOT NULL,
        received_at    timestamptz NOT NULL,
        created_at     timestamptz NOT NULL DEFAULT now(),
        PRIMARY KEY (brand, wix_order_id)
      );
      CREATE INDEX pos_orders_restaurant ON pos_orders (brand, restaurant_id, created_at);
    `,
  },
  {
    version: 2,
    name: 'item mapping table',
    sql: `
      CREATE TABLE item_mappings (
        brand          text        NOT NULL,
        restaurant_id  text        NOT NULL,
        wix_item_id    text        NOT NULL,
        pos_item_id    text        NOT NULL CHECK (pos_item_id <> ''),
        updated_at     timestamptz NOT NULL DEFAULT now(),
        PRIMARY KEY (brand, restaurant_id, wix_item_id)
      );
    `,
  },
  {
    version: 3,
    name: 'order ledger: one claim per Wix order, whichever integration takes it',
    sql: `
      CREATE TABLE order_ledger (
        brand              text        NOT NULL,
        wix_order_id       text        NOT NULL,
        restaurant_id      text        NOT NULL,
        idempotency_key    text        NOT NULL,
        state              text        NOT NULL
          CHECK (state IN ('submitting', 'voiding', 'accepted', 'failed', 'rejected', 'voided')),
        attempts           integer     NOT NULL,
        pos_order_id       text,
        error_code         text,
        error_description  text,
        lines              jsonb       NOT NULL,
        received_at        timestamptz NOT NULL,
        deadline           timestamptz NOT NULL,
        created_at         timestamptz NOT NULL DEFAULT now(),
        updated_at         timestamptz NOT NULL DEFAULT now(),
        PRIMARY KEY (brand, wix_order_id)
      );
      CREATE INDEX order_ledger_restaurant ON order_ledger (brand, restaurant_id, created_at);
      INSERT INTO order_ledger (brand, wix_order_id, restaurant_id, idempotency_key, state,
                                attempts, pos_order_id, lines, received_at, deadline, created_at)
        SELECT brand, wix_order_id, restaurant_id, 'wix:' || brand || ':' || wix_order_id,
               'accepted', 1, pos_order_id, lines, received_at, received_at, created_at
          FROM pos_orders;
      DROP TABLE pos_orders;
      DROP SEQUENCE pos_order_number;
    `,
  },
  {
    version: 4,
    name: 'masked card data of an order: network, first 6, last 4, expiry',
    sql: `ALTER TABLE order_ledger ADD COLUMN cards jsonb;`,
  },
  {
    version: 5,
    name: 'orders in doubt: taken late by a POS that could not void them, for a human to check',
    sql: `ALTER TABLE order_ledger ADD COLUMN in_doubt boolean NOT NULL DEFAULT false;
          CREATE INDEX order_ledger_in_doubt ON order_ledger (brand) WHERE in_doubt;`,
  },
  {
    version: 6,
    name: "which request last heard an order's POS id, so a void asked for an older one is refused",
    sql: `ALTER TABLE order_ledger ADD COLUMN answered_to text;
          ALTER TABLE order_ledger ADD COLUMN answered_fresh boolean NOT NULL DEFAULT false;
          CREATE INDEX order_ledger_unsettled ON order_ledger (brand, deadline)
            WHERE state IN ('submitting', 'voiding');`,
  },
  {
    version: 7,
    name: 'provisional acceptances: compare-and-set records, answer-by bounds, recorded answers',
    sql: `
      ALTER TABLE order_ledger DROP CONSTRAINT order_ledger_state_check;
      -- Orders accepted under the earlier protocol were answered then: they are final.
      UPDATE order_ledger SET state = 'confirmed' WHERE state = 'accepted';
      ALTER TABLE order_ledger ADD CONSTRAINT order_ledger_state_check CHECK (state IN
        ('submitting', 'accepted', 'confirmed', 'voiding', 'voided', 'failed', 'rejected'));
      ALTER TABLE order_ledger ADD COLUMN version integer NOT NULL DEFAULT 0;
      ALTER TABLE order_ledger ADD COLUMN answer_by timestamptz;
      ALTER TABLE order_ledger ADD COLUMN changed_at timestamptz;
      ALTER TABLE order_ledger ADD COLUMN unvoidable boolean NOT NULL DEFAULT false;
      UPDATE order_ledger SET answer_by = deadline, changed_at = updated_at;
      ALTER TABLE order_ledger ALTER COLUMN answer_by SET NOT NULL;
      ALTER TABLE order_ledger ALTER COLUMN changed_at SET NOT NULL;
      ALTER TABLE order_ledger DROP COLUMN answered_to;
      ALTER TABLE order_ledger DROP COLUMN answered_fresh;
      DROP INDEX order_ledger_unsettled;
      CREATE INDEX order_ledger_unsettled ON order_ledger (brand, answer_by)
        WHERE state IN ('submitting', 'accepted', 'voiding') OR (state = 'failed' AND in_doubt);
      CREATE TABLE order_answers (
        brand           text        NOT NULL,
        wix_order_id    text        NOT NULL,
        correlation_id  text        NOT NULL,
        pos_order_id    text,
        decided         boolean     NOT NULL DEFAULT false,
        written         boolean     NOT NULL DEFAULT false,
        withdrawn       boolean     NOT NULL DEFAULT false,
        recorded_at     timestamptz NOT NULL DEFAULT now(),
        PRIMARY KEY (brand, wix_order_id, correlation_id)
      );
    `,
  },
  {
    version: 8,
    name: "which worker sweeps a brand's unsettled orders",
    sql: `CREATE TABLE sweep_leases (
            brand   text        PRIMARY KEY,
            holder  text        NOT NULL,
            until   timestamptz NOT NULL
          );`,
  },
  {
    version: 9,
    name: 'mapping table changes notify workers, whose caches drop what changed',
    sql: `
      CREATE FUNCTION item_mappings_notify() RETURNS trigger LANGUAGE plpgsql AS $$
      DECLARE
        changed record;
      BEGIN
        IF TG_LEVEL = 'STATEMENT' THEN
          PERFORM pg_notify('item_mappings_changed', '*');
          RETURN NULL;
        END IF;
        FOREACH changed IN ARRAY CASE TG_OP WHEN 'INSERT' THEN ARRAY[NEW]
                                            WHEN 'DELETE' THEN ARRAY[OLD]
                                            ELSE ARRAY[OLD, NEW] END LOOP
          PERFORM pg_notify('item_mappings_changed',
            CASE WHEN octet_length(changed.brand) + octet_length(changed.restaurant_id) < 4000
                 THEN changed.brand || E'\\n' || changed.restaurant_id ELSE '*' END);
        END LOOP;
        RETURN NULL;
      END $$;
      CREATE TRIGGER item_mappings_changed AFTER INSERT OR UPDATE OR DELETE ON item_mappings
        FOR EACH ROW EXECUTE FUNCTION item_mappings_notify();
      CREATE TRIGGER item_mappings_truncated AFTER TRUNCATE ON item_mappings
        FOR EACH STATEMENT EXECUTE FUNCTION item_mappings_notify();
    `,
  },
];
