import { Client } from 'pg';
import { required } from './processes';

export interface LedgerRow {
  wix_order_id: string;
  pos_order_id: string;
  lines: unknown;
  wix_order: unknown;
}

/** Reads the ledger straight from PostgreSQL, to compare with what the gateway answered. */
export async function ledgerRows(brand: string): Promise<LedgerRow[]> {
  const client = new Client({ connectionString: required('DATABASE_URL') });
  await client.connect();
  try {
    const { rows } = await client.query<LedgerRow>(
      'SELECT wix_order_id, pos_order_id, lines, wix_order FROM pos_orders WHERE brand = $1',
      [brand],
    );
    return rows;
  } finally {
    await client.end();
  }
}
