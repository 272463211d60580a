import { BeforeApplicationShutdown, Inject, Injectable, Logger } from '@nestjs/common';
import { WorkerConfig } from '../config';
import { OrderLedger, Unsettled } from '../ledger/order-ledger';
import { LifecycleSettings, RecordedAnswers, onSweep } from '../lifecycle/order-lifecycle';
import { WorkerMetrics } from '../metrics/worker-metrics';
import { AnswersProof } from './answers-proof';
import { PlaceOrderService } from './place-order.service';

const NO_ANSWERS: RecordedAnswers = { decided: 0, unwritten: 0, foreignIds: 0 };

/**
 * Settles provisional orders: confirms an acceptance a gateway recorded, and voids, with proof
 * that no gateway can still record one, an acceptance nobody did; voids attempts their worker
 * left at the POS, and retries failed voids. The one place that voids after Wix was answered.
 */
@Injectable()
export class Reconciler implements BeforeApplicationShutdown {
  private readonly logger = new Logger('orders');
  private readonly settings: LifecycleSettings;
  private timer?: NodeJS.Timeout;
  private sweeping?: Promise<void>;

  constructor(
    private readonly ledger: OrderLedger,
    private readonly placeOrder: PlaceOrderService,
    private readonly proof: AnswersProof,
    private readonly config: WorkerConfig,
    @Inject(WorkerMetrics) private readonly metrics: WorkerMetrics,
  ) {
    this.settings = { minBudgetMs: config.POS_MIN_BUDGET_MS, settleMs: config.ORDER_SETTLE_MS };
  }

  start(): void {
    this.timer = setInterval(() => this.tick(), this.config.RECONCILE_EVERY_MS);
    this.timer.unref();
  }

  async beforeApplicationShutdown(): Promise<void> {
    clearInterval(this.timer);
    await this.sweeping;
    await this.placeOrder.drain();
    await this.proof.close();
  }

  /** One pass over what is due; what it cannot settle now waits for the next. */
  async sweep(): Promise<number> {
    const brand = this.config.BRAND;
    const { now, orders } = await this.ledger.unsettled(brand, this.config.ORDER_SETTLE_MS);
    // The proof starts after `now` was read: see docs/order-protocol.md.
    const proven = orders.some((o) => o.record.state === 'accepted') && (await this.proof.prove());
    let settled = 0;
    for (const order of orders) {
      if (await this.settle(order, now, proven)) settled += 1;
    }
    this.metrics.inDoubt.set({ brand }, await this.ledger.countInDoubt(brand));
    return settled;
  }

  /** Confirmed orders whose answers were withdrawn: flagged when no decision stands. */
  async rejudge(wixOrderIds: string[]): Promise<void> {
    const brand = this.config.BRAND;
    for (const wixOrderId of new Set(wixOrderIds)) {
      const { stored, now } = await this.ledger.read(brand, wixOrderId);
      if (stored?.record.state !== 'confirmed') continue;
      const answers = await this.ledger.answersOf(brand, wixOrderId, stored.record.posOrderId);
      const step = onSweep(stored.record, { now, proven: true, answers }, this.settings);
      if (step) await this.ledger.replace(brand, wixOrderId, stored, step.record);
    }
  }

  private async settle(order: Unsettled, now: number, proven: boolean): Promise<boolean> {
    const brand = this.config.BRAND;
    const { record, wixOrderId, restaurantId } = order;
    const answers =
      record.state === 'accepted'
        ? await this.ledger.answersOf(brand, wixOrderId, record.posOrderId)
        : NO_ANSWERS;
    const step = onSweep(record, { now, proven, answers }, this.settings);
    if (!step || !(await this.ledger.replace(brand, wixOrderId, order, step.record))) return false;
    const next = step.record;
    if (next.state === 'confirmed') {
      this.logger.log({ event: 'order.confirmed', brand, wixOrderId, inDoubt: next.inDoubt });
    }
    if (step.cancel) {
      const { idempotencyKey, posOrderId } = next;
      this.logger.warn({ event: 'order.voiding', brand, wixOrderId, from: record.state });
      await this.placeOrder.void(
        { brand, restaurantId, wixOrderId, idempotencyKey, posOrderId },
        next,
      );
    }
    return true;
  }

  private tick(): void {
    this.sweeping ??= this.sweep()
      .then(
        () => undefined,
        (error: unknown) => this.logger.warn({ event: 'order.sweep_failed', error: String(error) }),
      )
      .finally(() => (this.sweeping = undefined));
  }
}
