import { Inject, Injectable, Logger } from '@nestjs/common';
import { SpiResponse, spiFailure, spiSuccess, SpiErrorCode } from '@app/contracts';
import { OrderReference, PosOrder, isPosFailure } from '@app/pos-sdk';
import { Attempt, OrderLedger, Unanswered, Voiding } from '../ledger/order-ledger';
import { LoadedIntegration } from '../integration/pos-integration.provider';
import { WorkerMetrics } from '../metrics/worker-metrics';
import { isRetryable, toSpiFailure } from './order-errors';

/** How long voiding a late order may take; it runs after Wix was answered. */
const CANCEL_BUDGET_MS = 5_000;

class Abandoned extends Error {}

/**
 * One call of the integration for a claimed order, and its settlement in the ledger. The call
 * is abandoned at `callDeadline`; an order the POS took too late, or may have taken when the
 * call was abandoned, is voided through the integration's `cancelOrder`.
 */
@Injectable()
export class PlaceOrderService {
  private readonly logger = new Logger('orders');

  constructor(
    private readonly ledger: OrderLedger,
    private readonly loaded: LoadedIntegration,
    @Inject(WorkerMetrics) private readonly metrics: WorkerMetrics,
  ) {}

  async place(
    order: PosOrder,
    attempt: Attempt,
    callDeadline: number,
    correlationId: string,
  ): Promise<SpiResponse> {
    const controller = new AbortController();
    const timer = setTimeout(() => controller.abort(new Abandoned()), callDeadline - Date.now());
    const started = Date.now();
    try {
      const { posOrderId } = await this.call(order, attempt, controller.signal, callDeadline);
      this.observe(order.brand, 'accepted', started);
      if (Date.now() >= callDeadline) {
        return await this.void(order, attempt, posOrderId, 'the POS answered after the deadline');
      }
      if (!(await this.ledger.accept(attempt, posOrderId, correlationId))) {
        // A delivery that came too late took the attempt over, and voids it.
        return spiFailure(SpiErrorCode.EndpointDown, 'the order was voided past its deadline');
      }
      return spiSuccess(posOrderId);
    } catch (error) {
      const abandoned = error instanceof Abandoned || controller.signal.aborted;
      this.observe(order.brand, abandoned ? 'abandoned' : 'failed', started);
      const reason = abandoned ? 'the POS did not answer before the deadline' : undefined;
      if (abandoned || (isPosFailure(error) && error.orderMayExist)) {
        return await this.void(
          order,
          attempt,
          undefined,
          reason ?? toSpiFailure(error).error.description,
        );
      }
      const failure = toSpiFailure(error);
      await this.ledger.fail(attempt, { retryable: isRetryable(error), ...failure.error });
      return failure;
    } finally {
      clearTimeout(timer);
    }
  }

  /** Stops waiting at the deadline even for an integration that ignores its signal. */
  private call(order: PosOrder, attempt: Attempt, signal: AbortSignal, callDeadline: number) {
    const submitted = this.loaded.integration
      .submitOrder(order, {
        signal,
        deadline: new Date(callDeadline),
        attempt: attempt.attempt,
        log: this.loaded.log,
      })
      .then((answer) => {
        if (typeof answer?.posOrderId !== 'string' || answer.posOrderId === '') {
          throw new Error('the integration answered without a POS order id');
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

  private async void(
    order: PosOrder,
    attempt: Attempt,
    posOrderId: string | undefined,
    reason: string,
  ): Promise<SpiResponse> {
    const description = `${reason}; Wix was told the POS is down`;
    if (await this.ledger.startVoiding(attempt, posOrderId)) {
      await this.cancel({ ...this.referenceOf(order), posOrderId }, attempt, reason, description);
    }
    return spiFailure(SpiErrorCode.EndpointDown, description);
  }

  /**
   * An order accepted in time whose answer never reached Wix (the reply was lost or late):
   * Wix was told `endpoint_down`, so the POS order is voided like a late one.
   */
  async voidUnanswered(
    brand: string,
    wixOrderId: string,
    reason: string,
    unanswered: Unanswered,
  ): Promise<void> {
    const accepted = await this.ledger.startVoidingAccepted(brand, wixOrderId, unanswered);
    if (accepted) await this.cancelVoiding(accepted, reason, `accepted, but ${reason}`);
  }

  /**
   * A request seen only after its deadline. An order it placed through an earlier delivery
   * is answered again (late: the gateway voids it if Wix heard `endpoint_down`); an attempt
   * left `submitting` by a worker that died after the call is voided here.
   */
  async recall(
    brand: string,
    wixOrderId: string,
    correlationId: string,
  ): Promise<SpiResponse | undefined> {
    const earlier = await this.ledger.settled(brand, wixOrderId, correlationId);
    if (earlier.kind === 'accepted') return spiSuccess(earlier.posOrderId);
    const overdue = await this.ledger.startVoidingOverdue(brand, wixOrderId);
    if (overdue) await this.cancelVoiding(overdue, 'its worker stopped before settling it');
    return undefined;
  }

  /** Voids what no worker will settle (see `OrderLedger.startVoidingUnsettled`). */
  async voidUnsettled(brand: string): Promise<number> {
    const unsettled = await this.ledger.startVoidingUnsettled(brand);
    for (const voiding of unsettled) {
      await this.cancelVoiding(voiding, 'it was left unsettled past its deadline');
    }
    return unsettled.length;
  }

  /** Voids an attempt the ledger has just marked `voiding` for this caller. */
  private async cancelVoiding(
    { attempt, ...reference }: Voiding,
    reason: string,
    what = reason,
  ): Promise<void> {
    const { brand, wixOrderId } = reference;
    const description = `${what}; Wix was told the POS is down`;
    await this.cancel(reference, { brand, wixOrderId, attempt }, reason, description);
  }

  private async cancel(
    reference: OrderReference,
    attempt: Attempt,
    reason: string,
    description: string,
  ): Promise<void> {
    const { integration } = this.loaded;
    let voided = false;
    if (integration.cancelOrder) {
      const signal = AbortSignal.timeout(CANCEL_BUDGET_MS);
      voided = await integration.cancelOrder(reference, { signal, log: this.loaded.log }).then(
        () => true,
        (error: unknown) => {
          this.logger.warn({ event: 'order.void_failed', ...reference, error: String(error) });
          return false;
        },
      );
    }
    this.metrics.voids.inc({ brand: reference.brand, outcome: voided ? 'voided' : 'in_doubt' });
    if (voided) this.logger.log({ event: 'order.voided', ...reference, reason });
    else this.logger.warn({ event: 'order.in_doubt', ...reference, reason });
    await this.ledger.finishVoiding(attempt, voided, description);
  }

  private referenceOf(order: PosOrder) {
    const { brand, restaurantId, wixOrderId, idempotencyKey } = order;
    return { brand, restaurantId, wixOrderId, idempotencyKey };
  }

  private observe(brand: string, outcome: string, started: number): void {
    const labels = { brand, integration: this.loaded.name, outcome };
    this.metrics.posCalls.observe(labels, (Date.now() - started) / 1000);
  }
}
