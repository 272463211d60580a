import { Inject, Injectable, Logger, Optional } from '@nestjs/common';
import {
  OrderAnswerKind,
  SpiResponse,
  encodeOrderAnswer,
  orderAnswersTopic,
} from '@wix-pos-gateway/contracts';
import { Message } from 'kafkajs';
import { setTimeout as sleep } from 'node:timers/promises';
import { GatewayConfig } from '../config';
import { GatewayMetrics } from '../metrics/gateway-metrics';
import { onDecision } from './answer-rules';

/** Writes records with acks=all within a timeout: `KafkaRequestClient`, or a fake in tests. */
export abstract class AnswerPublisher {
  abstract publish(
    topic: string,
    messages: Message[],
    options: { timeoutMs: number },
  ): Promise<void>;
}

/** A worker's `value` for one delivery, about to be answered. */
export interface Decision {
  brand: string;
  wixOrderId: string;
  correlationId: string;
  posOrderId: string;
}

/** How the records nobody waits for, withdrawals and `written` marks, are tried again. */
export interface MarkRetry {
  /** No try starts later than this after the first. */
  forMs: number;
  firstWaitMs: number;
  lastWaitMs: number;
  /** How long one try may wait for its acknowledgement. */
  timeoutMs: number;
}

export const MARK_RETRY = Symbol('MarkRetry');

/**
 * Tries for a minute, with waits from 250 ms up to 10 s: a gateway that lives through a broker
 * outage shorter than that, and its own reconnection, still writes its withdrawals, and the
 * `written` marks that keep the orders Wix heard from being flagged in doubt.
 */
const DEFAULT_MARK_RETRY: MarkRetry = {
  forMs: 60_000,
  firstWaitMs: 250,
  lastWaitMs: 10_000,
  timeoutMs: 5_000,
};

/**
 * A `written` mark waits this long for others, so that one produce request carries the marks
 * of many orders. Only the reconciler reads them, seconds later; a mark lost with the gateway
 * leaves its order live and `in_doubt`, as it would be without the wait.
 */
export const WRITTEN_LINGER_MS = 50;

/**
 * Confirm before answer (docs/order-protocol.md): a `value` is answered only once its
 * `decided` record is acknowledged on the brand's answers topic before the call's deadline;
 * otherwise Wix hears `endpoint_down` and `withdrawn` is written. Once the `value` response is
 * written to the connection, `written` follows.
 */
@Injectable()
export class OrderAnswers {
  private readonly logger = new Logger('orders');
  /** Writes nobody waits for: `written` marks and withdrawals. */
  private readonly background = new Set<Promise<void>>();
  private readonly stopping = new AbortController();
  /** `written` marks waiting for company (`WRITTEN_LINGER_MS`). */
  private lingering: Decision[] = [];
  private lingerTimer?: NodeJS.Timeout;
  private draining = false;

  constructor(
    private readonly publisher: AnswerPublisher,
    private readonly metrics: GatewayMetrics,
    private readonly config: GatewayConfig,
    @Optional()
    @Inject(MARK_RETRY)
    private readonly retry: MarkRetry = DEFAULT_MARK_RETRY,
  ) {}

  /** The answer to give for `decision`; `deadline` is the call's, on `performance.now()`. */
  async decide(decision: Decision, deadline: number): Promise<SpiResponse> {
    let acknowledged = false;
    try {
      await this.write('decided', decision.brand, [decision], deadline - performance.now());
      acknowledged = true;
    } catch (error) {
      this.logger.warn({
        event: 'order.decision_not_recorded',
        ...ids(decision),
        error: describe(error),
      });
    }
    const beforeDeadline = performance.now() < deadline;
    const { response, withdraw } = onDecision(
      acknowledged,
      beforeDeadline,
      decision.posOrderId,
      this.config.orders.deadlineMs,
    );
    this.metrics.decisions.inc({
      brand: decision.brand,
      outcome: withdraw ? 'not_recorded' : 'recorded',
    });
    if (withdraw) this.inBackground(this.withdraw(decision));
    return response;
  }

  /** The `value` response of `decision` was written to Wix's connection. */
  written(decision: Decision): void {
    this.lingering.push(decision);
    // Once draining, nothing waits: the process is about to close its producer.
    if (this.draining) this.writeLingering();
    else this.lingerTimer ??= setTimeout(() => this.writeLingering(), WRITTEN_LINGER_MS);
  }

  /** Lets the writes in flight finish for up to `timeoutMs`, then stops retrying. */
  async drain(timeoutMs: number): Promise<void> {
    this.draining = true;
    this.writeLingering();
    const timer = sleep(timeoutMs, undefined, { ref: false });
    await Promise.race([Promise.allSettled([...this.background]), timer]);
    this.stopping.abort();
  }

  private async withdraw(decision: Decision): Promise<void> {
    const tried = await this.retrying((timeoutMs) =>
      this.write('withdrawn', decision.brand, [decision], timeoutMs),
    );
    if (tried.ok) {
      this.metrics.withdrawals.inc({ brand: decision.brand, outcome: 'written' });
      this.logger.warn({ event: 'order.withdrawn', ...ids(decision), attempt: tried.attempt });
      return;
    }
    this.metrics.withdrawals.inc({ brand: decision.brand, outcome: 'failed' });
    this.logger.error({
      event: 'order.withdrawal_lost',
      ...ids(decision),
      attempt: tried.attempt,
      error: describe(tried.error),
    });
  }

  /** Writes `decisions`' `written` marks, through a broker outage as long as the retry's. */
  private async markWritten(brand: string, decisions: Decision[]): Promise<void> {
    const tried = await this.retrying((timeoutMs) =>
      this.write('written', brand, decisions, timeoutMs),
    );
    if (tried.ok) {
      if (tried.attempt > 1) {
        const recorded = { brand, orders: decisions.length, attempt: tried.attempt };
        this.logger.log({ event: 'order.written_marks_recorded', ...recorded });
      }
      return;
    }
    for (const decision of decisions) {
      this.logger.warn({
        event: 'order.written_not_recorded',
        ...ids(decision),
        attempt: tried.attempt,
        error: describe(tried.error),
      });
    }
  }

  /** `write` until it is acknowledged, the retry's time is up, or the gateway stops retrying. */
  private async retrying(
    write: (timeoutMs: number) => Promise<void>,
  ): Promise<{ ok: true; attempt: number } | { ok: false; attempt: number; error: unknown }> {
    const { forMs, firstWaitMs, lastWaitMs, timeoutMs } = this.retry;
    const giveUpAt = performance.now() + forMs;
    for (let attempt = 1; ; attempt++) {
      try {
        await write(timeoutMs);
        return { ok: true, attempt };
      } catch (error) {
        const wait = Math.min(firstWaitMs * 2 ** (attempt - 1), lastWaitMs);
        const stopped = () => this.stopping.signal.aborted;
        if (stopped() || performance.now() + wait > giveUpAt) return { ok: false, attempt, error };
        await sleep(wait, undefined, { signal: this.stopping.signal }).catch(() => undefined);
        if (stopped()) return { ok: false, attempt, error };
      }
    }
  }

  /** The lingering `written` marks, one write per brand. */
  private writeLingering(): void {
    clearTimeout(this.lingerTimer);
    this.lingerTimer = undefined;
    const byBrand = new Map<string, Decision[]>();
    for (const decision of this.lingering) {
      const marks = byBrand.get(decision.brand) ?? [];
      if (marks.length === 0) byBrand.set(decision.brand, marks);
      marks.push(decision);
    }
    this.lingering = [];
    for (const [brand, decisions] of byBrand) {
      this.inBackground(this.markWritten(brand, decisions));
    }
  }

  private write(
    kind: OrderAnswerKind,
    brand: string,
    decisions: Decision[],
    timeoutMs: number,
  ): Promise<void> {
    const records = decisions.map(({ wixOrderId, correlationId, posOrderId }) =>
      encodeOrderAnswer({
        kind,
        wixOrderId,
        correlationId,
        ...(kind === 'decided' ? { posOrderId } : {}),
      }),
    );
    return this.publisher.publish(orderAnswersTopic(brand), records, { timeoutMs });
  }

  private inBackground(work: Promise<void>): void {
    this.background.add(work);
    void work.finally(() => this.background.delete(work));
  }
}

function ids({ brand, wixOrderId, correlationId, posOrderId }: Decision) {
  return { brand, wixOrderId, correlationId, posOrderId };
}

function describe(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
