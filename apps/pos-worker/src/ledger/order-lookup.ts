import { Inject, Injectable } from '@nestjs/common';
import { SqlDatabase } from '@wix-pos-gateway/database';
import { DATABASE_POOL } from './database';

/** What an operator sees of an order: no card data beyond first 6 / last 4. */
export interface OrderRecord {
  brand: string;
  wixOrderId: string;
  restaurantId: string;
  state: string;
  /** The POS may hold this order though Wix was told it failed: a human should check. */
  inDoubt: boolean;
  attempts: number;
  posOrderId: string | null;
  idempotencyKey: string;
  error: { code: string; description: string } | null;
  lines: unknown;
  cards: unknown;
  timings: { receivedAt: Date; claimedAt: Date; settledAt: Date; deadline: Date };
}

export type OrderQuery =
  { wixOrderId: string } | { posOrderId: string; restaurantId?: string } | { inDoubt: true };

interface Row {
  brand: string;
  wix_order_id: string;
  restaurant_id: string;
  state: string;
  in_doubt: boolean;
  attempts: number;
  pos_order_id: string | null;
  idempotency_key: string;
  error_code: string | null;
  error_description: string | null;
  lines: unknown;
  cards: unknown;
  received_at: Date;
  created_at: Date;
  updated_at: Date;
  deadline: Date;
}

/** Finds orders in the order ledger by Wix order id, or by POS order id (and restaurant). */
@Injectable()
export class OrderLookup {
  constructor(@Inject(DATABASE_POOL) private readonly db: SqlDatabase) {}

  async find(brand: string, query: OrderQuery): Promise<OrderRecord[]> {
    const [where, params] =
      'inDoubt' in query
        ? ['in_doubt', []]
        : 'wixOrderId' in query
          ? ['wix_order_id = $2', [query.wixOrderId]]
          : query.restaurantId
            ? ['pos_order_id = $2 AND restaurant_id = $3', [query.posOrderId, query.restaurantId]]
            : ['pos_order_id = $2', [query.posOrderId]];
    const { rows } = await this.db.query<Row>(
      `SELECT * FROM order_ledger WHERE brand = $1 AND ${where} ORDER BY created_at LIMIT 1000`,
      [brand, ...params],
    );
    return rows.map(toRecord);
  }
}

function toRecord(row: Row): OrderRecord {
  return {
    brand: row.brand,
    wixOrderId: row.wix_order_id,
    restaurantId: row.restaurant_id,
    state: row.state,
    inDoubt: row.in_doubt,
    attempts: row.attempts,
    posOrderId: row.pos_order_id,
    idempotencyKey: row.idempotency_key,
    error: row.error_code
      ? { code: row.error_code, description: row.error_description ?? '' }
      : null,
    lines: row.lines,
    cards: row.cards,
    timings: {
      receivedAt: row.received_at,
      claimedAt: row.created_at,
      settledAt: row.updated_at,
      deadline: row.deadline,
    },
  };
}
