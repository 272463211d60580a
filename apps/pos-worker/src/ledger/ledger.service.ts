import { Inject, Injectable } from '@nestjs/common';
import { Pool } from 'pg';
import { MappedLine } from '../mapping/item-mapping';

export const DATABASE_POOL = Symbol('DATABASE_POOL');

export interface AcceptedOrder {
  brand: string;
  wixOrderId: string;
  restaurantId: string;
  lines: MappedLine[];
  /** The Wix order as received (it never holds card data: `cards` stays at the gateway). */
  wixOrder: unknown;
  receivedAt: Date;
}

export interface Recorded {
  posOrderId: string;
  /** False when this Wix order was already recorded: a retry or a redelivery. */
  created: boolean;
}

/** The worker's record of accepted orders, and the allocator of POS order ids. */
@Injectable()
export class LedgerService {
  constructor(@Inject(DATABASE_POOL) private readonly pool: Pool) {}

  /**
   * Records the order and allocates its POS order id, or returns the id it already has: one
   * POS order per (brand, Wix order id), however many times and workers it arrives at.
   */
  async record(order: AcceptedOrder): Promise<Recorded> {
    const inserted = await this.pool.query<{ pos_order_id: string }>(
      `INSERT INTO pos_orders (brand, wix_order_id, pos_order_id, restaurant_id, lines, wix_order, received_at)
       VALUES ($1, $2, nextval('pos_order_number')::text, $3, $4, $5, $6)
       ON CONFLICT (brand, wix_order_id) DO NOTHING
       RETURNING pos_order_id`,
      [
        order.brand,
        order.wixOrderId,
        order.restaurantId,
        JSON.stringify(order.lines),
        JSON.stringify(order.wixOrder),
        order.receivedAt,
      ],
    );
    if (inserted.rows[0]) return { posOrderId: inserted.rows[0].pos_order_id, created: true };
    // The conflicting row was committed by now (the insert waited for it), but it is visible
    // only to a new statement.
    const existing = await this.find(order.brand, order.wixOrderId);
    if (!existing) throw new Error(`order ${order.wixOrderId} conflicted but cannot be found`);
    return { posOrderId: existing, created: false };
  }

  async find(brand: string, wixOrderId: string): Promise<string | undefined> {
    const { rows } = await this.pool.query<{ pos_order_id: string }>(
      'SELECT pos_order_id FROM pos_orders WHERE brand = $1 AND wix_order_id = $2',
      [brand, wixOrderId],
    );
    return rows[0]?.pos_order_id;
  }

  async ping(): Promise<void> {
    await this.pool.query('SELECT 1');
  }
}
