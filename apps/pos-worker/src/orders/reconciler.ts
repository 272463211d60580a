import { BeforeApplicationShutdown, Inject, Injectable, Logger } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import { hostname } from 'node:os';
import { WorkerConfig } from '../config';
import { NO_ANSWERS, OrderLedger, Stored, Unsettled } from '../ledger/order-ledger';
import { OrderRecord, RecordedAnswers, onSweep } from '../lifecycle/order-lifecycle';
import { WorkerMetrics } from '../metrics/worker-metrics';
import { MarkedOrders } from './answers-consumer';
import { AnswersProof } from './answers-proof';
import { PlaceOrderService } from './place-order.service';

/** How long acceptances may wait for a proof before the reconciler says so (and again). */
const UNPROVEN_WARN_MS = 30_000;

/** Voids a sweep runs side by side: each may take the POS up to its cancel budget. */
const VOIDS_AT_ONCE = 8;

/**
 * How long after an order is flagged its marks are looked at again on every sweep: past the
 * gateway's minute of retrying a `written` mark (order-answers.ts).
 */
const RECHECK_FLAGGED_MS = 90_000;

/** How many sweep intervals the sweep lease lasts: a worker that stops sweeping loses it then. */
const LEASE_INTERVALS = 3;

/**
 * Settles provisional orders: confirms an acceptance a gateway recorded, and voids, with proof
 * that no gateway can still record one, an acceptance nobody did; voids attempts their worker
 * left at the POS, and retries failed voids. The one place that voids after Wix was answered.
 * Of a brand's workers, the one holding the sweep lease sweeps; every step is a compare and set,
 * so two sweeping at once (a lease that ran out mid-sweep) is only work done twice.
 */
@Injectable()
export class Reconciler implements BeforeApplicationShutdown {
  private readonly logger = new Logger('orders');
  private timer?: NodeJS.Timeout;
  private sweeping?: Promise<void>;
  private unprovenSince?: number;
  private warnedAtMs = 0;
  /** Names this process to an operator reading `sweep_leases`: host, pid, and a nonce. */
  private readonly holder = `${hostname()}:${process.pid}:${randomUUID().slice(0, 8)}`;

  constructor(
    private readonly ledger: OrderLedger,
    private readonly placeOrder: PlaceOrderService,
    private readonly proof: AnswersProof,
    private readonly config: WorkerConfig,
    @Inject(WorkerMetrics) private readonly metrics: WorkerMetrics,
  ) {}

  start(): void {
    this.timer = setInterval(() => this.tick(), this.config.orders.reconcileEveryMs);
    this.timer.unref();
  }

  async beforeApplicationShutdown(): Promise<void> {
    clearInterval(this.timer);
    await this.sweeping;
    await this.ledger.releaseSweep(this.config.brand, this.holder).catch(() => undefined);
    await this.placeOrder.drain();
    await this.proof.close();
  }

  /** One pass over what is due; what it cannot settle now waits for the next. */
  async sweep(): Promise<number> {
    const brand = this.config.brand;
    const { now, orders } = await this.ledger.unsettled(brand, this.config.orders.settleMs);
    const accepted = orders.filter((o) => o.record.state === 'accepted');
    // The proof starts after `now` was read, and the answers are read after the proof: see
    // docs/order-protocol.md.
    const proven = accepted.length > 0 && (await this.proof.prove());
    this.watchProof(accepted.length > 0, proven);
    const answers = proven
      ? await this.ledger.answersOfAll(
          brand,
          accepted.map((o) => ({ wixOrderId: o.wixOrderId, posOrderId: o.record.posOrderId })),
        )
      : new Map<string, RecordedAnswers>();
    const steps = orders.flatMap((order) => {
      const recorded = answers.get(order.wixOrderId) ?? NO_ANSWERS;
      const step = onSweep(order.record, { now, proven, answers: recorded }, this.config.lifecycle);
      return step ? [{ order, step }] : [];
    });
    const written = await this.ledger.replaceAll(
      brand,
      steps.map(({ order, step }) => ({
        wixOrderId: order.wixOrderId,
        stored: order,
        next: step.record,
      })),
    );
    const mine = steps.filter(({ order }) => written.has(order.wixOrderId));
    for (let i = 0; i < mine.length; i += VOIDS_AT_ONCE) {
      const batch = mine.slice(i, i + VOIDS_AT_ONCE);
      await Promise.all(
        batch.map(({ order, step }) => this.settled(order, step.record, step.cancel)),
      );
    }
    // A mark recorded while this sweep judged the order, or one whose judging failed, is
    // judged again here for as long as a gateway may still be retrying marks.
    const flagged = await this.ledger.confirmed(brand, { flaggedWithinMs: RECHECK_FLAGGED_MS });
    await this.judgeConfirmed(flagged, new Set());
    this.metrics.inDoubt.set({ brand }, await this.ledger.countInDoubt(brand));
    return written.size;
  }

  /**
   * Confirmed orders with newly recorded marks, judged again: flagged when a withdrawal leaves
   * no decision standing, and no longer flagged once every decision that stands is marked
   * written (a gateway may have retried a mark through a broker outage). A `written` mark only
   * ever clears a flag: a decision recorded with its mark still to come is not a doubt.
   */
  async rejudge(marked: MarkedOrders): Promise<void> {
    const wixOrderIds = [...new Set([...marked.withdrawn, ...marked.written])];
    const confirmed = await this.ledger.confirmed(this.config.brand, { wixOrderIds });
    await this.judgeConfirmed(confirmed, new Set(marked.withdrawn));
  }

  /**
   * Confirmed orders judged again with what the answers topic now holds; only those in
   * `mayFlag` may become flagged.
   */
  private async judgeConfirmed(
    { now, orders }: { now: number; orders: Array<Stored & { wixOrderId: string }> },
    mayFlag: Set<string>,
  ): Promise<void> {
    if (orders.length === 0) return;
    const brand = this.config.brand;
    const answers = await this.ledger.answersOfAll(
      brand,
      orders.map((o) => ({ wixOrderId: o.wixOrderId, posOrderId: o.record.posOrderId })),
    );
    const steps = orders.flatMap((order) => {
      const recorded = answers.get(order.wixOrderId) ?? NO_ANSWERS;
      const sweep = { now, proven: true, answers: recorded };
      const step = onSweep(order.record, sweep, this.config.lifecycle);
      if (!step || (step.record.inDoubt && !mayFlag.has(order.wixOrderId))) return [];
      return [{ wixOrderId: order.wixOrderId, stored: order, next: step.record }];
    });
    const written = await this.ledger.replaceAll(brand, steps);
    for (const { wixOrderId, next } of steps.filter((s) => written.has(s.wixOrderId))) {
      const fields = { brand, wixOrderId, posOrderId: next.posOrderId };
      if (next.inDoubt) this.logger.warn({ event: 'order.in_doubt', ...fields });
      else this.logger.log({ event: 'order.in_doubt_cleared', ...fields });
    }
  }

  private async settled(order: Unsettled, next: OrderRecord, cancel: boolean): Promise<void> {
    const brand = this.config.brand;
    const { wixOrderId, restaurantId } = order;
    if (next.state === 'confirmed' && next.inDoubt) {
      this.logger.warn({ event: 'order.in_doubt', brand, wixOrderId, posOrderId: next.posOrderId });
    }
    if (!cancel) return;
    const { idempotencyKey, posOrderId } = next;
    this.logger.warn({ event: 'order.voiding', brand, wixOrderId, from: order.record.state });
    await this.placeOrder.void(
      { brand, restaurantId, wixOrderId, idempotencyKey, posOrderId },
      next,
    );
  }

  /** Says so when acceptances wait for a proof for long: voids of unrecorded ones wait too. */
  private watchProof(needed: boolean, proven: boolean): void {
    if (!needed || proven) {
      this.unprovenSince = undefined;
      this.warnedAtMs = 0;
      return;
    }
    const since = (this.unprovenSince ??= performance.now());
    const waitedMs = performance.now() - since;
    if (waitedMs >= UNPROVEN_WARN_MS && waitedMs - this.warnedAtMs >= UNPROVEN_WARN_MS) {
      this.warnedAtMs = waitedMs;
      this.logger.warn({
        event: 'order.answers_unproven',
        brand: this.config.brand,
        waitedMs: Math.round(waitedMs),
        why: 'the answers consumer is behind, or Kafka does not answer',
      });
    }
  }

  private tick(): void {
    this.sweeping ??= this.sweepIfHeld()
      .then(
        () => undefined,
        (error: unknown) => this.logger.warn({ event: 'order.sweep_failed', error: String(error) }),
      )
      .finally(() => (this.sweeping = undefined));
  }

  private async sweepIfHeld(): Promise<void> {
    const { brand, orders } = this.config;
    const leaseMs = LEASE_INTERVALS * orders.reconcileEveryMs;
    if (await this.ledger.holdSweep(brand, this.holder, leaseMs)) await this.sweep();
  }
}
