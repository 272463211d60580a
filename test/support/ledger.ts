import { Client } from 'pg';
import { required } from './processes';

export interface LedgerRow {
  wix_order_id: string;
  restaurant_id: string;
  state: string;
  attempts: number;
  pos_order_id: string | null;
  idempotency_key: string;
  lines: unknown;
  /** From the `kitchen-inbox` integration's inbox, for brands on it. */
  wix_order: unknown;
  voided: boolean | null;
}

/** One statement against the test run's database. */
export async function sql<T extends object>(text: string, params: unknown[] = []): Promise<T[]> {
  const client = new Client({ connectionString: required('DATABASE_URL') });
  await client.connect();
  try {
    return (await client.query<T>(text, params)).rows;
  } finally {
    await client.end();
  }
}

/**
 * The worker's order ledger, straight from PostgreSQL, beside each order's row in the
 * `kitchen-inbox` integration's inbox: what the gateway answered should be what was recorded.
 */
export async function ledgerRows(
  brand: string,
  states = ['accepted', 'confirmed'],
): Promise<LedgerRow[]> {
  const [{ inbox }] = await sql<{ inbox: boolean }>(
    "SELECT to_regclass('pos_inbox') IS NOT NULL AS inbox",
    [],
  );
  const [columns, join] = inbox
    ? [
        'i.wix_order, i.voided_at IS NOT NULL AS voided',
        'LEFT JOIN pos_inbox i ON i.brand = l.brand AND i.idempotency_key = l.idempotency_key',
      ]
    : ['NULL AS wix_order, NULL AS voided', ''];
  return sql<LedgerRow>(
    `SELECT l.wix_order_id, l.restaurant_id, l.state, l.attempts, l.pos_order_id,
            l.idempotency_key, l.lines, ${columns}
       FROM order_ledger l ${join}
      WHERE l.brand = $1 AND l.state = ANY($2)`,
    [brand, states],
  );
}

export interface InboxRow {
  restaurant_id: string;
  ticket: number;
  wix_order_id: string;
  idempotency_key: string;
  voided: boolean;
}

/** The `kitchen-inbox` integration's inbox: what a kitchen screen would show. */
export function inboxRows(brand: string): Promise<InboxRow[]> {
  return sql<InboxRow>(
    `SELECT restaurant_id, ticket, wix_order_id, idempotency_key, voided_at IS NOT NULL AS voided
       FROM pos_inbox WHERE brand = $1 ORDER BY restaurant_id, ticket`,
    [brand],
  );
}
