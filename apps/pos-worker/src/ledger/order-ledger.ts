import { Inject, Injectable } from '@nestjs/common';
import { CardSummary, safeDescription } from '@wix-pos-gateway/cards';
import { OrderAnswer, SpiErrorCode } from '@wix-pos-gateway/contracts';
import { PosOrderLine } from '@wix-pos-gateway/pos-sdk';
import { SqlDatabase, TickBatch, prepared, runPrepared } from '@wix-pos-gateway/database';
import { OrderRecord, OrderState, RecordedAnswers } from '../lifecycle/order-lifecycle';
import { MAX_DESCRIPTION_CHARS } from '../orders/order-errors';
import { DATABASE_POOL } from './database';

/** What the ledger keeps of an order beside its lifecycle record. */
export interface OrderDetails {
  brand: string;
  wixOrderId: string;
  restaurantId: string;
  lines: PosOrderLine[];
  receivedAt: Date;
  /** What may be kept of the order's cards: network, first 6, last 4, expiry. */
  cards?: Record<string, CardSummary>;
}

/** A record as stored: `version` is what a compare and set checks. */
export interface Stored {
  record: OrderRecord;
  version: number;
}

export interface Read {
  stored?: Stored;
  /** The database's clock when it read the record. */
  now: number;
}

/**
 * A record as this process last wrote it, with the database's clock then and this process's
 * monotonic clock when the answer came: what a writer needs for its next compare and set
 * without reading the record again.
 */
export interface Written {
  stored: Stored;
  now: number;
  at: number;
}

/** The database's clock now, as judged from `written`: off by at most a round trip. */
export function nowSince(written: Written): number {
  return written.now + (performance.now() - written.at);
}

/** A compare and set of one order's record. */
export interface Change {
  wixOrderId: string;
  stored: Stored;
  next: OrderRecord;
}

export const NO_ANSWERS: RecordedAnswers = { decided: 0, unwritten: 0, foreignIds: 0 };

/**
 * An order's key as the database compares it: text goes over the wire as UTF-8, where a lone
 * UTF-16 surrogate becomes U+FFFD, so two ids JavaScript tells apart may be one row.
 */
function keyOf(brand: string, wixOrderId: string): string {
  return Buffer.from(`${brand}\n${wixOrderId}`).toString();
}

/** What one turn of the event loop may write in one statement, at most. */
const MAX_BATCH = 128;

interface Insert {
  details: OrderDetails;
  record: OrderRecord;
  budgetMs: number;
}

interface BrandChange {
  brand: string;
  change: Change;
}

/** An order the reconciler looks at, with what it needs to void it. */
export interface Unsettled extends Stored {
  wixOrderId: string;
  restaurantId: string;
}

interface Row {
  state: OrderState;
  attempts: number;
  idempotency_key: string;
  pos_order_id: string | null;
  answer_by: number;
  changed_at: number;
  error_code: string | null;
  error_description: string | null;
  in_doubt: boolean;
  unvoidable: boolean;
  version: number;
}

const COLUMNS = `state, attempts, idempotency_key, pos_order_id, in_doubt, unvoidable, version,
  error_code, error_description,
  extract(epoch from answer_by) * 1000 AS answer_by,
  extract(epoch from changed_at) * 1000 AS changed_at`;

const CLOCK = `extract(epoch from clock_timestamp()) * 1000`;

const READ = prepared(
  'order_ledger.read',
  `SELECT ${COLUMNS}, ${CLOCK} AS now
         FROM (SELECT 1) AS one LEFT JOIN order_ledger ON brand = $1 AND wix_order_id = $2`,
);

const INSERT = prepared(
  'order_ledger.insert_all',
  `WITH c AS (
         SELECT * FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::text[],
                              $6::int[], $7::text[], $8::timestamptz[], $9::float8[], $10::text[],
                              $11::boolean[], $12::boolean[])
           WITH ORDINALITY AS c(brand, wix_order_id, restaurant_id, key, state, attempts, lines,
                                received_at, budget_ms, cards, in_doubt, unvoidable, n)
       ), inserted AS (
         INSERT INTO order_ledger (brand, wix_order_id, restaurant_id, idempotency_key, state,
                                   attempts, lines, received_at, deadline, cards, answer_by,
                                   changed_at, in_doubt, unvoidable)
         SELECT brand, wix_order_id, restaurant_id, key, state, attempts, lines::jsonb,
                received_at, clock_timestamp() + make_interval(secs => budget_ms / 1000),
                cards::jsonb, clock_timestamp() + make_interval(secs => budget_ms / 1000),
                clock_timestamp(), in_doubt, unvoidable
           FROM c ORDER BY brand, wix_order_id
         ON CONFLICT (brand, wix_order_id) DO NOTHING
         RETURNING brand, wix_order_id, version, answer_by, changed_at
       )
       SELECT c.n, i.version, extract(epoch from i.answer_by) * 1000 AS answer_by,
              extract(epoch from i.changed_at) * 1000 AS changed_at, ${CLOCK} AS now
         FROM inserted i JOIN c ON c.brand = i.brand AND c.wix_order_id = i.wix_order_id`,
);

const REPLACE = prepared(
  'order_ledger.replace_all',
  `UPDATE order_ledger o
          SET state = c.state, attempts = c.attempt, idempotency_key = c.key,
              pos_order_id = c.pos_order_id, answer_by = to_timestamp(c.answer_by / 1000),
              changed_at = to_timestamp(c.changed_at / 1000), error_code = c.error_code,
              error_description = c.error_description, in_doubt = c.in_doubt,
              unvoidable = c.unvoidable,
              deadline = CASE WHEN c.attempt <> o.attempts THEN to_timestamp(c.answer_by / 1000)
                              ELSE o.deadline END,
              version = o.version + 1, updated_at = now()
         FROM (SELECT * FROM unnest($1::text[], $2::text[], $3::int[], $4::text[], $5::int[],
                                    $6::text[], $7::text[], $8::float8[], $9::float8[],
                                    $10::text[], $11::text[], $12::boolean[], $13::boolean[])
                 WITH ORDINALITY AS u(brand, wix_order_id, version, state, attempt, key,
                                      pos_order_id, answer_by, changed_at, error_code,
                                      error_description, in_doubt, unvoidable, n)
                ORDER BY brand, wix_order_id) AS c
        WHERE o.brand = c.brand AND o.wix_order_id = c.wix_order_id AND o.version = c.version
        RETURNING c.n`,
);

const RECORD_ANSWERS = prepared(
  'order_ledger.record_answers',
  `INSERT INTO order_answers AS o (brand, wix_order_id, correlation_id, pos_order_id, decided,
                                       written, withdrawn)
       SELECT $1, * FROM unnest($2::text[], $3::text[], $4::text[], $5::boolean[], $6::boolean[],
                                $7::boolean[])
       ON CONFLICT (brand, wix_order_id, correlation_id) DO UPDATE
         SET pos_order_id = COALESCE(EXCLUDED.pos_order_id, o.pos_order_id),
             decided = o.decided OR EXCLUDED.decided, written = o.written OR EXCLUDED.written,
             withdrawn = o.withdrawn OR EXCLUDED.withdrawn`,
);

const CONFIRMED_AMONG = prepared(
  'order_ledger.confirmed_among',
  `SELECT ${COLUMNS}, wix_order_id, ${CLOCK} AS now FROM order_ledger
    WHERE brand = $1 AND wix_order_id = ANY($2::text[]) AND state = 'confirmed'`,
);

const CONFIRMED_FLAGGED = prepared(
  'order_ledger.confirmed_flagged',
  `SELECT ${COLUMNS}, wix_order_id, ${CLOCK} AS now FROM order_ledger
    WHERE brand = $1 AND in_doubt AND state = 'confirmed'
      AND changed_at > clock_timestamp() - make_interval(secs => $2::float8 / 1000)`,
);

/**
 * The worker's record of every Wix order: the lifecycle's `OrderRecord`, written only by
 * compare and set on its version, so that of two workers judging the same record only one
 * moves it. The record of a new order is inserted only if there is none.
 */
@Injectable()
export class OrderLedger {
  /** A new order's first record, one statement for those of one turn of the event loop. */
  private readonly inserts = new TickBatch((all: Insert[]) => this.insertAll(all), {
    maxSize: MAX_BATCH,
    keyOf: ({ details }) => keyOf(details.brand, details.wixOrderId),
  });
  /** Compare and set of one record, likewise. */
  private readonly replaces = new TickBatch((all: BrandChange[]) => this.replaceEach(all), {
    maxSize: MAX_BATCH,
    keyOf: ({ brand, change }) => keyOf(brand, change.wixOrderId),
  });

  constructor(@Inject(DATABASE_POOL) private readonly pool: SqlDatabase) {}

  async read(brand: string, wixOrderId: string): Promise<Read> {
    const { rows } = await runPrepared<Row & { now: number }>(this.pool, READ, [brand, wixOrderId]);
    const row = rows[0];
    return { stored: row.state ? storedOf(row) : undefined, now: Number(row.now) };
  }

  /**
   * The first record of an order, if it has none yet. Its `answerBy` and `changedAt` are set
   * here, on the database's clock: the statement's time plus `budgetMs`, as `onDelivery` sets
   * them with `now` being that time.
   */
  insert(
    details: OrderDetails,
    record: OrderRecord,
    budgetMs: number,
  ): Promise<Written | undefined> {
    return this.inserts.add({ details, record, budgetMs });
  }

  /** Writes `next` if the record is still `stored`; false when another writer moved it. */
  replace(brand: string, wixOrderId: string, stored: Stored, next: OrderRecord): Promise<boolean> {
    return this.replaces.add({ brand, change: { wixOrderId, stored, next } });
  }

  /** `replace` for many orders in one statement; the ids of those written. */
  async replaceAll(brand: string, changes: Change[]): Promise<Set<string>> {
    const written = await this.replaceEach(changes.map((change) => ({ brand, change })));
    return new Set(changes.filter((_, i) => written[i]).map((c) => c.wixOrderId));
  }

  private async insertAll(all: Insert[]): Promise<Array<Written | undefined>> {
    const column = <T>(pick: (i: Insert) => T) => all.map(pick);
    const { rows } = await runPrepared<{
      n: string;
      version: number;
      answer_by: number;
      changed_at: number;
      now: number;
    }>(this.pool, INSERT, [
      column((i) => i.details.brand),
      column((i) => i.details.wixOrderId),
      column((i) => i.details.restaurantId),
      column((i) => i.record.idempotencyKey),
      column((i) => i.record.state),
      column((i) => i.record.attempt),
      column((i) => JSON.stringify(i.details.lines)),
      column((i) => i.details.receivedAt),
      column((i) => Math.max(0, i.budgetMs)),
      column((i) => (i.details.cards ? JSON.stringify(i.details.cards) : null)),
      column((i) => i.record.inDoubt),
      column((i) => i.record.unvoidable ?? false),
    ]);
    const at = performance.now();
    const written: Array<Written | undefined> = all.map(() => undefined);
    for (const row of rows) {
      const i = Number(row.n) - 1;
      const { record } = all[i];
      written[i] = {
        stored: {
          record: { ...record, answerBy: Number(row.answer_by), changedAt: Number(row.changed_at) },
          version: row.version,
        },
        now: Number(row.now),
        at,
      };
    }
    return written;
  }

  /** Compare and set of each change, in one statement: whether each was written. */
  private async replaceEach(all: BrandChange[]): Promise<boolean[]> {
    if (all.length === 0) return [];
    const column = <T>(pick: (c: Change) => T) => all.map(({ change }) => pick(change));
    const { rows } = await runPrepared<{ n: string }>(this.pool, REPLACE, [
      all.map(({ brand }) => brand),
      column((c) => c.wixOrderId),
      column((c) => c.stored.version),
      column((c) => c.next.state),
      column((c) => c.next.attempt),
      column((c) => c.next.idempotencyKey),
      column((c) => c.next.posOrderId ?? null),
      column((c) => c.next.answerBy),
      column((c) => c.next.changedAt),
      column((c) => c.next.failure?.code ?? null),
      column((c) => c.next.failure?.description ?? null),
      column((c) => c.next.inDoubt),
      column((c) => c.next.unvoidable ?? false),
    ]);
    const written = all.map(() => false);
    for (const row of rows) written[Number(row.n) - 1] = true;
    return written;
  }

  /**
   * Orders the reconciler may have to settle (see `onSweep`), the longest due first. Orders in
   * doubt that no void can settle (`unvoidable`: a human's) are left out, and a void that
   * failed is due again only `settleMs` after its try: neither can take the places of orders
   * behind them.
   */
  async unsettled(brand: string, settleMs: number, limit = 2_000) {
    const { rows } = await this.pool.query<
      Row & { wix_order_id: string; restaurant_id: string; now: number }
    >(
      `SELECT ${COLUMNS}, wix_order_id, restaurant_id, ${CLOCK} AS now FROM order_ledger
        WHERE brand = $1
          AND (state IN ('submitting', 'accepted', 'voiding')
               OR (state = 'failed' AND in_doubt AND NOT unvoidable))
          AND CASE WHEN state IN ('submitting', 'accepted') THEN answer_by ELSE changed_at END
              < clock_timestamp() - make_interval(secs => $2::float8 / 1000)
        ORDER BY CASE WHEN state IN ('submitting', 'accepted') THEN answer_by ELSE changed_at END
        LIMIT $3`,
      [brand, settleMs, limit],
    );
    const now = rows.length > 0 ? Number(rows[0].now) : 0;
    const orders: Unsettled[] = rows.map((row) => ({
      ...storedOf(row),
      wixOrderId: row.wix_order_id,
      restaurantId: row.restaurant_id,
    }));
    return { now, orders };
  }

  /**
   * Confirmed orders, and the database's clock: those among `wixOrderIds`, or those flagged in
   * doubt within the last `flaggedWithinMs`.
   */
  async confirmed(brand: string, which: { wixOrderIds: string[] } | { flaggedWithinMs: number }) {
    const among = 'wixOrderIds' in which;
    if (among && which.wixOrderIds.length === 0) return { now: 0, orders: [] };
    const { rows } = await runPrepared<Row & { wix_order_id: string; now: number }>(
      this.pool,
      among ? CONFIRMED_AMONG : CONFIRMED_FLAGGED,
      [brand, among ? which.wixOrderIds : which.flaggedWithinMs],
    );
    const now = rows.length > 0 ? Number(rows[0].now) : 0;
    const orders = rows.map((row) => ({ ...storedOf(row), wixOrderId: row.wix_order_id }));
    return { now, orders };
  }

  /** Records what gateways wrote on the answers topic; idempotent, in any order. */
  async recordAnswers(brand: string, answers: OrderAnswer[]): Promise<void> {
    const merged = new Map<string, { a: OrderAnswer; d: boolean; w: boolean; x: boolean }>();
    for (const a of answers) {
      const key = `${a.wixOrderId}\n${a.correlationId}`;
      const m = merged.get(key) ?? { a, d: false, w: false, x: false };
      if (a.kind === 'decided') m.a = a;
      m.d ||= a.kind === 'decided';
      m.w ||= a.kind === 'written';
      m.x ||= a.kind === 'withdrawn';
      merged.set(key, m);
    }
    if (merged.size === 0) return;
    const all = [...merged.values()];
    await runPrepared(this.pool, RECORD_ANSWERS, [
      brand,
      all.map((m) => m.a.wixOrderId),
      all.map((m) => m.a.correlationId),
      all.map((m) => m.a.posOrderId ?? null),
      all.map((m) => m.d),
      all.map((m) => m.w),
      all.map((m) => m.x),
    ]);
  }

  /** The recorded answers of each order, judged against the id its record holds: one statement. */
  async answersOfAll(
    brand: string,
    orders: Array<{ wixOrderId: string; posOrderId?: string }>,
  ): Promise<Map<string, RecordedAnswers>> {
    if (orders.length === 0) return new Map();
    const { rows } = await this.pool.query<{
      wix_order_id: string;
      decided: string;
      unwritten: string;
      foreign_ids: string;
    }>(
      `SELECT q.wix_order_id,
              count(*) FILTER (WHERE a.decided AND NOT a.withdrawn) AS decided,
              count(*) FILTER (WHERE a.decided AND NOT a.withdrawn AND NOT a.written) AS unwritten,
              count(*) FILTER (WHERE a.decided AND NOT a.withdrawn
                                 AND a.pos_order_id IS DISTINCT FROM q.pos_order_id) AS foreign_ids
         FROM unnest($2::text[], $3::text[]) AS q(wix_order_id, pos_order_id)
         JOIN order_answers a ON a.brand = $1 AND a.wix_order_id = q.wix_order_id
        GROUP BY q.wix_order_id`,
      [brand, orders.map((o) => o.wixOrderId), orders.map((o) => o.posOrderId ?? null)],
    );
    return new Map(
      rows.map((row) => [
        row.wix_order_id,
        {
          decided: Number(row.decided),
          unwritten: Number(row.unwritten),
          foreignIds: Number(row.foreign_ids),
        },
      ]),
    );
  }

  /**
   * Takes or keeps the brand's sweep lease for `forMs`, on the database's clock: true when
   * `holder` has it. One worker sweeps at a time; another takes over once the lease runs out.
   */
  async holdSweep(brand: string, holder: string, forMs: number): Promise<boolean> {
    const { rows } = await this.pool.query(
      `INSERT INTO sweep_leases AS l (brand, holder, until)
       VALUES ($1, $2, clock_timestamp() + make_interval(secs => $3::float8 / 1000))
       ON CONFLICT (brand) DO UPDATE SET holder = EXCLUDED.holder, until = EXCLUDED.until
         WHERE l.holder = EXCLUDED.holder OR l.until < clock_timestamp()
       RETURNING holder`,
      [brand, holder, forMs],
    );
    return rows.length === 1;
  }

  /** Gives the lease up, for another worker to sweep at once. */
  async releaseSweep(brand: string, holder: string): Promise<void> {
    await this.pool.query(`DELETE FROM sweep_leases WHERE brand = $1 AND holder = $2`, [
      brand,
      holder,
    ]);
  }

  /** Orders flagged for a human, for the metric. */
  async countInDoubt(brand: string): Promise<number> {
    const { rows } = await this.pool.query<{ n: string }>(
      `SELECT count(*) AS n FROM order_ledger WHERE brand = $1 AND in_doubt`,
      [brand],
    );
    return Number(rows[0]?.n ?? 0);
  }

  async ping(): Promise<void> {
    await this.pool.query('SELECT 1');
  }
}

function storedOf(row: Row): Stored {
  const failure = row.error_code
    ? {
        code: row.error_code as SpiErrorCode,
        // Rows written before descriptions were masked and bounded are answered as if they were.
        description: safeDescription(row.error_description ?? '', MAX_DESCRIPTION_CHARS),
      }
    : undefined;
  return {
    version: row.version,
    record: {
      state: row.state,
      attempt: row.attempts,
      idempotencyKey: row.idempotency_key,
      posOrderId: row.pos_order_id ?? undefined,
      answerBy: Number(row.answer_by),
      changedAt: Number(row.changed_at),
      failure,
      inDoubt: row.in_doubt,
      ...(row.unvoidable ? { unvoidable: true } : {}),
    },
  };
}
