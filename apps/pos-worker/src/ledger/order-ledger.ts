import { Inject, Injectable } from '@nestjs/common';
import { CardSummary } from '@app/cards';
import { PosOrderLine } from '@app/pos-sdk';
import { SqlDatabase } from '@app/database';
import { DATABASE_POOL } from './database';

/** An order arriving at the worker, about to be given to the integration. */
export interface NewClaim {
  brand: string;
  /** The request being answered: it is recorded as the one that heard the POS id. */
  correlationId: string;
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

/** Past its deadline, a live worker has abandoned and started voiding its call long before. */
const UNSETTLED_AFTER = '10 seconds';

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
    return this.settled(order.brand, order.wixOrderId, order.correlationId);
  }

  /**
   * How an order already in the ledger was settled, for a delivery that may not call again.
   * An accepted order's id is about to be sent to `correlationId`, which is recorded as a replay.
   */
  async settled(brand: string, wixOrderId: string, correlationId: string): Promise<Claim> {
    const { rows } = await this.pool.query<{
      state: string;
      pos_order_id: string | null;
      error_code: string | null;
      error_description: string | null;
    }>(
      `UPDATE order_ledger
          SET answered_to = CASE WHEN state = 'accepted' THEN $3 ELSE answered_to END,
              answered_fresh = answered_fresh AND state <> 'accepted'
        WHERE brand = $1 AND wix_order_id = $2
        RETURNING state, pos_order_id, error_code, error_description`,
      [brand, wixOrderId, correlationId],
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

  /** False when the attempt was taken over (voided by another delivery) meanwhile. */
  accept(attempt: Attempt, posOrderId: string, correlationId: string): Promise<boolean> {
    return this.settle(attempt, 'submitting', {
      state: 'accepted',
      posOrderId,
      answeredTo: correlationId,
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

  /**
   * An accepted order turns out unanswered: it is being voided, under its latest attempt.
   * Only if `correlationId` is the last request sent its id: a later one may have told Wix.
   */
  async startVoidingAccepted(brand: string, wixOrderId: string, unanswered: Unanswered) {
    const { rows } = await this.pool.query<VoidRow>(
      `UPDATE order_ledger SET state = 'voiding', updated_at = now()
        WHERE brand = $1 AND wix_order_id = $2 AND state = 'accepted'
          AND (answered_to IS NULL OR answered_to = $3) AND (answered_fresh OR NOT $4)
        RETURNING attempts, idempotency_key, restaurant_id, pos_order_id`,
      [brand, wixOrderId, unanswered.correlationId, unanswered.requireFresh],
    );
    return voidingOf(brand, wixOrderId, rows[0]);
  }

  /**
   * An attempt still `submitting` after its deadline, seen by a delivery that came too late:
   * its worker died after the call (or is about to void it itself). Whatever the POS took
   * under the key is voided; a worker that comes back finds the attempt taken over.
   */
  async startVoidingOverdue(brand: string, wixOrderId: string) {
    const { rows } = await this.pool.query<VoidRow>(
      `UPDATE order_ledger SET state = 'voiding', updated_at = now()
        WHERE brand = $1 AND wix_order_id = $2 AND state = 'submitting' AND deadline < now()
        RETURNING attempts, idempotency_key, restaurant_id, pos_order_id`,
      [brand, wixOrderId],
    );
    return voidingOf(brand, wixOrderId, rows[0]);
  }

  /**
   * Attempts no worker will settle: `submitting` well past the deadline (its worker died, or
   * lost the database, after the call), or `voiding` for a minute (died while voiding). Each
   * is taken, once, by one caller.
   */
  async startVoidingUnsettled(brand: string, limit = 50) {
    const { rows } = await this.pool.query<VoidRow & { wix_order_id: string }>(
      `UPDATE order_ledger SET state = 'voiding', updated_at = now()
        WHERE (brand, wix_order_id) IN (
          SELECT brand, wix_order_id FROM order_ledger
           WHERE brand = $1
             AND ((state = 'submitting' AND deadline < now() - interval '${UNSETTLED_AFTER}')
               OR (state = 'voiding' AND updated_at < now() - interval '${ABANDONED_AFTER}'))
           ORDER BY deadline LIMIT $2 FOR UPDATE SKIP LOCKED)
        RETURNING wix_order_id, attempts, idempotency_key, restaurant_id, pos_order_id`,
      [brand, limit],
    );
    return rows.map((row) => voidingOf(brand, row.wix_order_id, row)!);
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
      answeredTo?: string;
    },
  ): Promise<boolean> {
    const { rowCount } = await this.pool.query(
      `UPDATE order_ledger
          SET state = $5, pos_order_id = COALESCE($6, pos_order_id), error_code = $7,
              error_description = $8, in_doubt = $9, updated_at = now(),
              answered_to = COALESCE($10, answered_to), answered_fresh = $10 IS NOT NULL
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
        to.answeredTo ?? null,
      ],
    );
    return rowCount === 1;
  }
}

/** A request that heard an order's id, as far as its worker knows, too late. */
export interface Unanswered {
  correlationId: string;
  /**
   * Asked by the worker that could not answer: only if its answer was the acceptance itself.
   * A replay may follow a delivery whose answer did reach the gateway.
   */
  requireFresh: boolean;
}

interface VoidRow {
  attempts: number;
  idempotency_key: string;
  restaurant_id: string;
  pos_order_id: string | null;
}

/** An attempt the ledger marked `voiding` for its caller, and how to name it to the POS. */
export interface Voiding {
  brand: string;
  wixOrderId: string;
  attempt: number;
  idempotencyKey: string;
  restaurantId: string;
  posOrderId?: string;
}

function voidingOf(brand: string, wixOrderId: string, row?: VoidRow): Voiding | undefined {
  if (!row) return undefined;
  return {
    brand,
    wixOrderId,
    attempt: row.attempts,
    idempotencyKey: row.idempotency_key,
    restaurantId: row.restaurant_id,
    posOrderId: row.pos_order_id ?? undefined,
  };
}
