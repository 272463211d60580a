import { Inject, Injectable, Logger } from '@nestjs/common';
import {
  SpiResponse,
  SubmitOrder,
  WixOrderRequest,
  findUnsafeJson,
  validateOrderRequest,
} from '@wix-pos-gateway/contracts';
import { setTimeout as sleep } from 'node:timers/promises';
import { PosOrder } from '@wix-pos-gateway/pos-sdk';
import { WorkerConfig } from '../config';
import { LoadedIntegration } from '../integration/pos-integration.provider';
import { OrderDetails, OrderLedger, Stored, Written } from '../ledger/order-ledger';
import { Delivery, OrderRecord, onDelivery, onWaitedOut } from '../lifecycle/order-lifecycle';
import { describeProblems } from '../mapping/item-mapping';
import { OrderMapper } from '../mapping/order-mapper';
import { WorkerMetrics } from '../metrics/worker-metrics';
import { InvalidOrder, UnknownItems, toSpiFailure } from './order-errors';
import { CardVault, summarize } from './card-vault';
import { PlaceOrderService } from './place-order.service';

/**
 * Turns one Wix order into one POS order: validate it, map its items, claim it in the ledger,
 * and hand it to the brand's integration (`PlaceOrderService`).
 */
@Injectable()
export class SubmitOrderService {
  private readonly logger = new Logger('orders');

  constructor(
    private readonly ledger: OrderLedger,
    private readonly mapper: OrderMapper,
    private readonly placeOrder: PlaceOrderService,
    private readonly vault: CardVault,
    private readonly loaded: LoadedIntegration,
    private readonly config: WorkerConfig,
    @Inject(WorkerMetrics) private readonly metrics: WorkerMetrics,
  ) {}

  async submit(request: SubmitOrder): Promise<SpiResponse> {
    const started = Date.now();
    let response: SpiResponse;
    let body: unknown;
    try {
      body = parse(request.body);
      response = await this.accept({ ...request, body });
    } catch (error) {
      response = toSpiFailure(error);
    }
    const order = (body as Partial<WixOrderRequest> | undefined)?.order;
    const outcome = 'value' in response ? 'accepted' : response.error.code;
    this.metrics.orders.inc({ brand: request.brand, outcome });
    this.metrics.processing.observe(
      { brand: request.brand, integration: this.loaded.name, outcome },
      (Date.now() - started) / 1000,
    );
    this.logger.log({
      event: 'order.processed',
      brand: request.brand,
      wixOrderId: order?.id,
      restaurantId: order?.restaurantId,
      outcome,
      posOrderId: 'value' in response ? response.value.orderId : undefined,
      description: 'error' in response ? response.error.description : undefined,
      durationMs: Date.now() - started,
      correlationId: request.correlationId,
    });
    return response;
  }

  private async accept(request: SubmitOrder): Promise<SpiResponse> {
    const { brand, body } = request;
    const unsafe = findUnsafeJson(body);
    if (unsafe) throw new InvalidOrder(`invalid order: ${unsafe}`);
    const validation = validateOrderRequest(body);
    if (!validation.ok) {
      const { problems, omitted } = validation;
      const more = omitted > 0 ? `; and at least ${omitted} more` : '';
      throw new InvalidOrder(`invalid order: ${problems.join('; ')}${more}`);
    }
    // The body, not the validated instance: the integration sees every field Wix sent.
    const { order, menu } = body as WixOrderRequest & { order: Record<string, unknown> };
    const left = () => request.budgetMs - (performance.now() - request.arrivedAt);
    // Answering needs time too: the integration must be done a little before the deadline.
    const callDeadline =
      request.arrivedAt + request.budgetMs - this.config.integration.deadlineMarginMs;
    const delivery = (now: number) => ({ brand, wixOrderId: order.id, now, budgetMs: left() });

    // Too little time to reach the POS: only the record can answer (a replay, or too late).
    if (left() < this.config.lifecycle.minBudgetMs) {
      this.metrics.expired.inc({ brand });
      return (await this.fromRecord(brand, order.id, delivery)) ?? onWaitedOut();
    }
    const mapping = await this.mapper.map(brand, order, menu, epochOf(callDeadline));
    if (!mapping.ok) {
      const replay = await this.fromRecord(brand, order.id, delivery, true);
      if (replay && 'value' in replay) return replay;
      throw new UnknownItems(describeProblems(mapping.problems));
    }
    const cards = this.vault.open(brand, order.id, request.sealedCards);
    const details: OrderDetails = {
      brand,
      wixOrderId: order.id,
      restaurantId: order.restaurantId,
      lines: mapping.lines,
      receivedAt: new Date(request.receivedAt),
      cards: cards && summarize(cards),
    };
    const posOrder = (record: OrderRecord): PosOrder => ({
      brand,
      restaurantId: order.restaurantId,
      wixOrderId: order.id,
      idempotencyKey: record.idempotencyKey,
      lines: mapping.lines,
      wixOrder: order,
      menu,
      cards,
      receivedAt: details.receivedAt,
    });

    // The common case, a new order, in one statement: insert its first record.
    const first = onDelivery(undefined, delivery(NaN), this.config.lifecycle);
    if (first.kind === 'submit') {
      const budgetMs = left();
      const written = await this.ledger.insert(details, first.record, budgetMs);
      if (written) return this.placeOrder.place(posOrder(first.record), written, callDeadline);
    }
    for (;;) {
      const budgetMs = left();
      const { stored, now } = await this.ledger.read(brand, order.id);
      const seen = { now, at: performance.now() };
      const step = onDelivery(
        stored?.record,
        { ...delivery(now), budgetMs },
        this.config.lifecycle,
      );
      if (step.kind === 'wait') {
        if (left() <= WAIT_MS) return onWaitedOut();
        await sleep(WAIT_MS);
        continue;
      }
      const next = step.record;
      const written =
        next && (await this.write(brand, order.id, stored, seen, next, details, budgetMs));
      if (next && !written) continue;
      if (step.kind === 'reply') return step.response;
      return this.placeOrder.place(posOrder(step.record), written!, callDeadline);
    }
  }

  /** The answer the order's record gives a delivery that may not call the POS. */
  private async fromRecord(
    brand: string,
    wixOrderId: string,
    delivery: (now: number) => Delivery,
    replayOnly = false,
  ): Promise<SpiResponse | undefined> {
    for (;;) {
      const { stored, now } = await this.ledger.read(brand, wixOrderId);
      const noCall = { ...this.config.lifecycle, minBudgetMs: Infinity };
      const step = onDelivery(stored?.record, delivery(now), noCall);
      if (step.kind === 'submit' || (replayOnly && step.kind === 'wait')) {
        return undefined;
      }
      if (step.kind === 'wait') {
        if (delivery(now).budgetMs <= WAIT_MS) return onWaitedOut();
        await sleep(WAIT_MS);
        continue;
      }
      if (!step.record || (await this.ledger.replace(brand, wixOrderId, stored!, step.record))) {
        return step.response;
      }
    }
  }

  /** Writes `next` over `stored`, or as the first record; what was written, if it was. */
  private async write(
    brand: string,
    wixOrderId: string,
    stored: Stored | undefined,
    seen: { now: number; at: number },
    next: OrderRecord,
    details: OrderDetails,
    budgetMs: number,
  ): Promise<Written | undefined> {
    if (!stored) return this.ledger.insert(details, next, budgetMs);
    if (!(await this.ledger.replace(brand, wixOrderId, stored, next))) return undefined;
    return { stored: { record: next, version: stored.version + 1 }, ...seen };
  }
}

/** The message as the transport hands it over: its text, or (in tests) already parsed. */
function parse(body: unknown): unknown {
  if (typeof body !== 'string') return body;
  try {
    return JSON.parse(body);
  } catch {
    // The parser's message quotes the input, which is not for logs or answers.
    throw new InvalidOrder('the order message is not valid JSON');
  }
}

/** How often a delivery looks again at an order another delivery is submitting. */
const WAIT_MS = 50;

/** A point on this process's monotonic clock, as epoch ms for APIs that take a date. */
function epochOf(monotonic: number): number {
  return Date.now() + (monotonic - performance.now());
}
