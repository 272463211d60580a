import { Client } from 'pg';
import { ConformanceHarness, HarnessContext, PosMode } from '@wix-pos-gateway/pos-sdk';

/**
 * Drives the `kitchen-inbox` integration's inbox in a database of its own: "slow" holds a lock
 * the inbox needs, "down" refuses connections to its database, "failing" makes every insert
 * raise.
 */
export default function kitchenInboxHarness({
  brand,
  databaseUrl,
}: HarnessContext): ConformanceHarness {
  const inboxUrl = new URL(databaseUrl);
  const database = `${inboxUrl.pathname.slice(1)}_inbox_${brand.replace(/\W/g, '_')}`.slice(0, 63);
  inboxUrl.pathname = `/${database}`;
  let admin: Client;
  let locker: Client | undefined;

  const inbox = async <T>(work: (client: Client) => Promise<T>): Promise<T> => {
    const client = new Client({ connectionString: inboxUrl.toString() });
    await client.connect();
    try {
      return await work(client);
    } finally {
      await client.end();
    }
  };

  const restore = async () => {
    await locker?.end();
    locker = undefined;
    await admin.query(`ALTER DATABASE ${database} ALLOW_CONNECTIONS true`);
    await inbox((client) =>
      client.query('DROP TRIGGER IF EXISTS conformance_failing ON pos_inbox'),
    );
  };

  const modes: Record<PosMode['mode'], () => Promise<void>> = {
    normal: restore,
    slow: async () => {
      locker = new Client({ connectionString: inboxUrl.toString() });
      await locker.connect();
      await locker.query('BEGIN');
      await locker.query('LOCK TABLE pos_inbox_tickets IN EXCLUSIVE MODE');
    },
    down: async () => {
      await admin.query(`ALTER DATABASE ${database} ALLOW_CONNECTIONS false`);
      await admin.query(
        'SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = $1',
        [database],
      );
    },
    failing: () =>
      inbox(async (client) => {
        await client.query(`CREATE OR REPLACE FUNCTION conformance_failing() RETURNS trigger
          LANGUAGE plpgsql AS $$ BEGIN RAISE EXCEPTION 'the kitchen is closed'; END $$`);
        await client.query(`CREATE TRIGGER conformance_failing BEFORE INSERT ON pos_inbox
          FOR EACH ROW EXECUTE FUNCTION conformance_failing()`);
      }),
  };

  return {
    async start() {
      admin = new Client({ connectionString: databaseUrl });
      await admin.connect();
      await admin.query(`DROP DATABASE IF EXISTS ${database} WITH (FORCE)`);
      await admin.query(`CREATE DATABASE ${database}`);
      return { KITCHEN_INBOX_DATABASE_URL: inboxUrl.toString() };
    },
    async setMode(mode) {
      await restore();
      if (mode.mode !== 'normal') await modes[mode.mode]();
    },
    liveOrders: (wixOrderId) =>
      inbox(async (client) => {
        const { rows } = await client.query<{ live: number }>(
          `SELECT count(*)::int AS live FROM pos_inbox
            WHERE brand = $1 AND wix_order_id = $2 AND voided_at IS NULL`,
          [brand, wixOrderId],
        );
        return rows[0].live;
      }),
    async stop() {
      await locker?.end();
      await admin.query(`DROP DATABASE IF EXISTS ${database} WITH (FORCE)`);
      await admin.end();
    },
  };
}
