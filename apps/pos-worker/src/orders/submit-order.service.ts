import { Inject, Injectable, Logger } from '@nestjs/common';
import {
  SpiErrorCode,
  SpiResponse,
  SubmitOrder,
  WixOrderRequest,
  findUnsafeJson,
  spiFailure,
  spiSuccess,
  validateOrderRequest,
} from '@app/contracts';
import { WorkerConfig } from '../config';
import { LoadedIntegration } from '../integration/pos-integration.provider';
import { OrderLedger } from '../ledger/order-ledger';
import { describeProblems } from '../mapping/item-mapping';
import { OrderMapper } from '../mapping/order-mapper';
import { WorkerMetrics } from '../metrics/worker-metrics';
import { InvalidOrder, PosUnavailable, UnknownItems, toSpiFailure } from './order-errors';
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
    try {
      response = await this.accept(request);
    } catch (error) {
      response = toSpiFailure(error);
    }
    const body = request.body as Partial<WixOrderRequest> | undefined;
    const outcome = 'value' in response ? 'accepted' : response.error.code;
    this.metrics.orders.inc({ brand: request.brand, outcome });
    this.metrics.processing.observe(
      { brand: request.brand, integration: this.loaded.name, outcome },
      (Date.now() - started) / 1000,
    );
    this.logger.log({
      event: 'order.processed',
      brand: request.brand,
      wixOrderId: body?.order?.id,
      restaurantId: body?.order?.restaurantId,
      outcome,
      posOrderId: 'value' in response ? response.value.orderId : undefined,
      description: 'error' in response ? response.error.description : undefined,
      durationMs: Date.now() - started,
      correlationId: request.correlationId,
    });
    return response;
  }

  private async accept(request: SubmitOrder): Promise<SpiResponse> {
    const { brand, body, deadline, receivedAt } = request;
    const unsafe = findUnsafeJson(body);
    if (unsafe) throw new InvalidOrder(`invalid order: ${unsafe}`);
    const validation = validateOrderRequest(body);
    if (!validation.ok) throw new InvalidOrder(`invalid order: ${validation.problems.join('; ')}`);
    // The body, not the validated instance: the integration sees every field Wix sent.
    const { order, menu } = body as WixOrderRequest & { order: Record<string, unknown> };

    // Answering needs time too: the integration must be done a little before the deadline.
    const callDeadline = deadline - this.config.POS_DEADLINE_MARGIN_MS;
    const mapping = await this.mapper.map(brand, order, menu, callDeadline);
    if (!mapping.ok) {
      const earlier = await this.ledger.settled(brand, order.id, request.correlationId);
      if (earlier.kind === 'accepted') return spiSuccess(earlier.posOrderId);
      throw new UnknownItems(describeProblems(mapping.problems));
    }
    // Too close to the deadline the POS call could not finish: shed the order now, answered in
    // time, rather than start it and void it later.
    const budget = callDeadline - Date.now();
    if (budget < this.config.POS_MIN_BUDGET_MS) {
      throw new PosUnavailable(
        budget <= 0
          ? 'the order deadline passed'
          : `only ${budget} ms were left before the deadline: the POS is overloaded`,
      );
    }

    const cards = this.vault.open(brand, order.id, request.sealedCards);
    const claim = await this.ledger.claim({
      brand,
      correlationId: request.correlationId,
      wixOrderId: order.id,
      restaurantId: order.restaurantId,
      lines: mapping.lines,
      receivedAt: new Date(receivedAt),
      deadline: new Date(callDeadline),
      cards: cards && summarize(cards),
    });
    if (claim.kind === 'accepted') return spiSuccess(claim.posOrderId);
    if (claim.kind === 'rejected') return spiFailure(claim.code as SpiErrorCode, claim.description);
    if (claim.kind === 'busy') throw new PosUnavailable('the order is being submitted already');
    return this.placeOrder.place(
      {
        brand,
        restaurantId: order.restaurantId,
        wixOrderId: order.id,
        idempotencyKey: claim.idempotencyKey,
        lines: mapping.lines,
        wixOrder: order,
        menu,
        cards,
        receivedAt: new Date(receivedAt),
      },
      { brand, wixOrderId: order.id, attempt: claim.attempt },
      callDeadline,
      request.correlationId,
    );
  }
}
