import { Inject, Injectable, Logger } from '@nestjs/common';
import { SpiResponse } from '@wix-pos-gateway/contracts';
import { OrderReference, PosError, PosOrder, isPosFailure } from '@wix-pos-gateway/pos-sdk';
import { OrderLedger, Read, Written, nowSince } from '../ledger/order-ledger';
import { callHook } from '../integration/hook-call';
import { LoadedIntegration } from '../integration/pos-integration.provider';
import { WorkerMetrics } from '../metrics/worker-metrics';
import {
  CancelResult,
  OrderRecord,
  PosOutcome,
  onCancelled,
  onPosOutcome,
} from '../lifecycle/order-lifecycle';
import { isRetryable, toSpiFailure } from './order-errors';

/** How long voiding an order may take; it runs after Wix was answered. */
const CANCEL_BUDGET_MS = 5_000;

class Abandoned extends Error {}

/**
 * The lifecycle's edges at the POS: one call of the integration for an attempt the ledger
 * holds for this delivery, the record's settlement by compare and set, and voids. The call is
 * abandoned at `callDeadline` (on this process's monotonic clock) even if the integration
 * ignores its signal.
 */
@Injectable()
export class PlaceOrderService {
  private readonly logger = new Logger('orders');
  private readonly voiding = new Set<Promise<void>>();

  constructor(
    private readonly ledger: OrderLedger,
    private readonly loaded: LoadedIntegration,
    @Inject(WorkerMetrics) private readonly metrics: WorkerMetrics,
  ) {}

  /**
   * Calls the POS for the attempt `written` holds, then settles it. The first compare and set
   * starts from `written` rather than a fresh read: a record nobody else moved is the common case.
   */
  async place(order: PosOrder, written: Written, callDeadline: number): Promise<SpiResponse> {
    const { attempt } = written.stored.record;
    const outcome = await this.call(order, attempt, callDeadline);
    const late = performance.now() >= callDeadline;
    let seen: Read = { stored: written.stored, now: nowSince(written) };
    for (;;) {
      const { stored, now } = seen;
      const step = onPosOutcome(stored?.record, attempt, outcome, late, now);
      if (
        step.record &&
        !(await this.ledger.replace(order.brand, order.wixOrderId, stored!, step.record))
      ) {
        seen = await this.ledger.read(order.brand, order.wixOrderId);
        continue;
      }
      if (step.cancel && step.record)
        this.voidLater(this.referenceOf(order, step.record), step.record);
      return step.response;
    }
  }

  /** Voids the POS order of `record`, which the ledger has just marked `voiding` for this caller. */
  void(reference: OrderReference, record: OrderRecord): Promise<void> {
    return this.cancel(reference, record);
  }

  /** Resolves when the voids started so far have finished. */
  async drain(): Promise<void> {
    await Promise.allSettled([...this.voiding]);
  }

  private voidLater(reference: OrderReference, record: OrderRecord): void {
    const done: Promise<void> = this.cancel(reference, record)
      .catch((error: unknown) =>
        this.logger.warn({ event: 'order.void_failed', ...reference, error: String(error) }),
      )
      .finally(() => this.voiding.delete(done));
    this.voiding.add(done);
  }

  private async call(order: PosOrder, attempt: number, callDeadline: number): Promise<PosOutcome> {
    const controller = new AbortController();
    const timer = setTimeout(
      () => controller.abort(new Abandoned()),
      Math.max(0, callDeadline - performance.now()),
    );
    const started = performance.now();
    try {
      const { posOrderId } = await this.submit(order, attempt, controller.signal, callDeadline);
      this.observe(order.brand, 'accepted', started);
      return { kind: 'accepted', posOrderId };
    } catch (error) {
      const abandoned = error instanceof Abandoned || controller.signal.aborted;
      this.observe(order.brand, abandoned ? 'abandoned' : 'failed', started);
      if (abandoned) return { kind: 'abandoned' };
      return {
        kind: 'failed',
        failure: toSpiFailure(error).error,
        retryable: isRetryable(error),
        mayExist: isPosFailure(error) && error.orderMayExist === true,
      };
    } finally {
      clearTimeout(timer);
    }
  }

  private submit(order: PosOrder, attempt: number, signal: AbortSignal, callDeadline: number) {
    const submitted = this.loaded.integration
      .submitOrder(order, {
        signal,
        deadline: new Date(Date.now() + (callDeadline - performance.now())),
        attempt,
        log: this.loaded.log,
      })
      .then((answer) => {
        if (typeof answer?.posOrderId !== 'string' || answer.posOrderId === '') {
          // It answered, so the POS may well hold the order: void it, as after a timeout.
          throw new PosError('the integration answered without a POS order id', {
            orderMayExist: true,
            retryable: true,
          });
        }
        return answer;
      });
    const abandoned = new Promise<never>((_, reject) => {
      const stop = () => reject(new Abandoned());
      if (signal.aborted) stop();
      else signal.addEventListener('abort', stop, { once: true });
    });
    submitted.catch(() => undefined);
    return Promise.race([submitted, abandoned]);
  }

  private async cancel(reference: OrderReference, record: OrderRecord): Promise<void> {
    const result = await this.callCancel(reference);
    const voided = result === 'voided';
    this.metrics.voids.inc({ brand: reference.brand, outcome: voided ? 'voided' : 'in_doubt' });
    if (voided) this.logger.log({ event: 'order.voided', ...reference });
    else this.logger.warn({ event: 'order.in_doubt', ...reference, why: result });
    await this.settleVoid(reference, record.attempt, result);
  }

  private async callCancel(reference: OrderReference): Promise<CancelResult> {
    const { integration, log } = this.loaded;
    if (!integration.cancelOrder) return 'unsupported';
    const cancel = integration.cancelOrder.bind(integration);
    return callHook('cancelOrder', CANCEL_BUDGET_MS, (signal) =>
      cancel(reference, { signal, log }),
    ).then(
      () => 'voided' as const,
      (error: unknown) => {
        this.logger.warn({ event: 'order.void_failed', ...reference, error: String(error) });
        return 'failed' as const;
      },
    );
  }

  private async settleVoid(reference: OrderReference, attempt: number, result: CancelResult) {
    for (;;) {
      const { stored, now } = await this.ledger.read(reference.brand, reference.wixOrderId);
      const next = onCancelled(stored?.record, attempt, result, now);
      if (!next) return;
      if (await this.ledger.replace(reference.brand, reference.wixOrderId, stored!, next)) return;
    }
  }

  private referenceOf(order: PosOrder, record: OrderRecord): OrderReference {
    const { brand, restaurantId, wixOrderId } = order;
    const { idempotencyKey, posOrderId } = record;
    return { brand, restaurantId, wixOrderId, idempotencyKey, posOrderId };
  }

  private observe(brand: string, outcome: string, started: number): void {
    const labels = { brand, integration: this.loaded.name, outcome };
    this.metrics.posCalls.observe(labels, (performance.now() - started) / 1000);
  }
}
