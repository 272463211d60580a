import { Inject, Injectable } from '@nestjs/common';
import { CardSummary } from '@app/cards';
import { PosOrderLine } from '@app/pos-sdk';
import { SqlDatabase } from '@app/database';
import { DATABASE_POOL } from './database';

/** An order arriving at the worker, about to be given to the integration. */
export interface NewClaim {
  brand: string;
  wixOrderId: string;
  restaurantId: string;
  lines: PosOrderLine[];
  receivedAt: Date;
  deadline: Date;
  /** What may be kept of the order's cards: network, first 6, last 4, expiry. */
  cards?: Record<string, CardSummary>;
}

/** What the ledger says about an arriving order. */
export type Claim =
  | { kind: 'claimed'; attempt: number; idempotencyKey: string }
  | { kind: 'accepted'; posOrderId: string }
  | { kind: 'rejected'; code: string; description: string }
  | { kind: 'busy' };

/** One attempt at a Wix order: only the latest attempt may settle it. */
export interface Attempt {
  brand: string;
  wixOrderId: string;
  attempt: number;
}

/**
 * An attempt still `submitting` this long after its deadline belongs to a worker that died
 * mid-call: a new delivery may take the order over (with the same idempotency key).
 */
const ABANDONED_AFTER = '1 minute';

export function idempotencyKeyOf(brand: string, wixOrderId: string): string {
  return `wix:${brand}:${wixOrderId}`;
}

/**
 * The worker's record of every Wix order and what became of it. It is what makes a POS
 * integration see each (brand, Wix order id) at most once unless it failed retryably:
 * an order is claimed before the integration is called, and settled after.
 */
@Injectable()
export class OrderLedger {
  constructor(@Inject(DATABASE_POOL) private readonly pool: SqlDatabase) {}

  async claim(order: NewClaim): Promise<Claim> {
    const { rows } = await this.pool.query<{ attempts: number; idempotency_key: string }>(
      `INSERT INTO order_ledger AS l (brand, wix_order_id, restaurant_id, idempotency_key, state,
                                      attempts, lines, received_at, deadline, cards)
       VALUES ($1, $2, $3, $4, 'submitting', 1, $5, $6, $7, $8)
       ON CONFLICT (brand, wix_order_id) DO UPDATE
         SET state = 'submitting', attempts = l.attempts + 1, lines = EXCLUDED.lines,
             deadline = EXCLUDED.deadline, pos_order_id = NULL, error_code = NULL,
             error_description = NULL, updated_at = now(),
             -- a voided POS order keeps its key at the POS: a new order needs a new one
             idempotency_key = CASE WHEN l.state = 'voided'
               THEN EXCLUDED.idempotency_key || ':' || (l.attempts + 1) ELSE l.idempotency_key END
         WHERE l.state IN ('failed', 'voided')
            OR (l.state IN ('submitting', 'voiding')
                AND l.deadline < now() - interval '${ABANDONED_AFTER}')
       RETURNING attempts, idempotency_key`,
      [
        order.brand,
        order.wixOrderId,
        order.restaurantId,
        idempotencyKeyOf(order.brand, order.wixOrderId),
        JSON.stringify(order.lines),
        order.receivedAt,
        order.deadline,
        order.cards ? JSON.stringify(order.cards) : null,
      ],
    );
    if (rows[0]) {
      return {
        kind: 'claimed',
        attempt: rows[0].attempts,
        idempotencyKey: rows[0].idempotency_key,
      };
    }
    return this.settled(order.brand, order.wixOrderId);
  }

  /** How an order already in the ledger was settled, for a delivery that may not call again. */
  async settled(brand: string, wixOrderId: string): Promise<Claim> {
    const { rows } = await this.pool.query<{
      state: string;
      pos_order_id: string | null;
      error_code: string | null;
      error_description: string | null;
    }>(
      `SELECT state, pos_order_id, error_code, error_description
         FROM order_ledger WHERE brand = $1 AND wix_order_id = $2`,
      [brand, wixOrderId],
    );
    const row = rows[0];
    if (row?.state === 'accepted' && row.pos_order_id) {
      return { kind: 'accepted', posOrderId: row.pos_order_id };
    }
    if (row?.state === 'rejected') {
      return {
        kind: 'rejected',
        code: row.error_code ?? '',
        description: row.error_description ?? '',
      };
    }
    return { kind: 'busy' };
  }

  accept(attempt: Attempt, posOrderId: string): Promise<boolean> {
    return this.settle(attempt, 'submitting', {
      state: 'accepted',
      posOrderId,
    });
  }

  /** A retryable failure leaves the order `failed`, to be tried again; any other, `rejected`. */
  fail(attempt: Attempt, failure: { retryable: boolean; code: string; description: string }) {
    return this.settle(attempt, 'submitting', {
      state: failure.retryable ? 'failed' : 'rejected',
      errorCode: failure.code,
      errorDescription: failure.description,
    });
  }

  /** The attempt's outcome came too late for Wix: the POS order, if any, is being voided. */
  startVoiding(attempt: Attempt, posOrderId: string | undefined): Promise<boolean> {
    return this.settle(attempt, 'submitting', { state: 'voiding', posOrderId });
  }

  /** An accepted order turns out unanswered: it is being voided, under its latest attempt. */
  async startVoidingAccepted(brand: string, wixOrderId: string) {
    const { rows } = await this.pool.query<{
      attempts: number;
      idempotency_key: string;
      restaurant_id: string;
      pos_order_id: string;
    }>(
      `UPDATE order_ledger SET state = 'voiding', updated_at = now()
        WHERE brand = $1 AND wix_order_id = $2 AND state = 'accepted'
        RETURNING attempts, idempotency_key, restaurant_id, pos_order_id`,
      [brand, wixOrderId],
    );
    const row = rows[0];
    if (!row) return undefined;
    return {
      brand,
      wixOrderId,
      attempt: row.attempts,
      idempotencyKey: row.idempotency_key,
      restaurantId: row.restaurant_id,
      posOrderId: row.pos_order_id,
    };
  }

  /** Voided, or (when voiding failed) `failed`: a later delivery reuses the key, so the POS
   *  hands back the order it may hold instead of taking a second one. */
  finishVoiding(attempt: Attempt, voided: boolean, description: string): Promise<boolean> {
    return this.settle(attempt, 'voiding', {
      state: voided ? 'voided' : 'failed',
      errorCode: 'endpoint_down',
      errorDescription: description,
      inDoubt: !voided,
    });
  }

  async ping(): Promise<void> {
    await this.pool.query('SELECT 1');
  }

  private async settle(
    { brand, wixOrderId, attempt }: Attempt,
    from: 'submitting' | 'voiding',
    to: {
      state: string;
      posOrderId?: string;
      errorCode?: string;
      errorDescription?: string;
      inDoubt?: boolean;
    },
  ): Promise<boolean> {
    const { rowCount } = await this.pool.query(
      `UPDATE order_ledger
          SET state = $5, pos_order_id = COALESCE($6, pos_order_id), error_code = $7,
              error_description = $8, in_doubt = $9, updated_at = now()
        WHERE brand = $1 AND wix_order_id = $2 AND attempts = $3 AND state = $4`,
      [
        brand,
        wixOrderId,
        attempt,
        from,
        to.state,
        to.posOrderId ?? null,
        to.errorCode ?? null,
        to.errorDescription ?? null,
        to.inDoubt ?? false,
      ],
    );
    return rowCount === 1;
  }
}
