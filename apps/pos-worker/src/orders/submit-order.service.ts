import { Inject, Injectable, Logger } from '@nestjs/common';
import {
  SpiResponse,
  SubmitOrder,
  WixOrderRequest,
  findUnsafeJson,
  spiSuccess,
  validateOrderRequest,
} from '@app/contracts';
import { WorkerConfig } from '../config';
import { LedgerService } from '../ledger/ledger.service';
import { describeProblems, mapOrderItems, orderedItemIds } from '../mapping/item-mapping';
import { MappingTable } from '../mapping/mapping-table';
import { PosIds } from '../mapping/pos-ids';
import { WorkerMetrics } from '../metrics/worker-metrics';
import { InvalidOrder, PosUnavailable, UnknownItems, toSpiFailure } from './order-errors';

/** Turns one Wix order into one POS order: validate, map its items, record it in the ledger. */
@Injectable()
export class SubmitOrderService {
  private readonly logger = new Logger('orders');

  constructor(
    private readonly ledger: LedgerService,
    private readonly mappings: MappingTable,
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

  private async accept({ brand, body, deadline, receivedAt }: SubmitOrder): Promise<SpiResponse> {
    const unsafe = findUnsafeJson(body);
    if (unsafe) throw new InvalidOrder(`invalid order: ${unsafe}`);
    const validation = validateOrderRequest(body);
    if (!validation.ok) throw new InvalidOrder(`invalid order: ${validation.problems.join('; ')}`);
    const { order, menu } = body as WixOrderRequest;

    const table = await this.mappings.lookup(
      brand,
      order.restaurantId,
      orderedItemIds(order.orderItems),
    );
    const posIds = new PosIds(this.config.POS_EXTERNAL_ID_KEY, table);
    const mapping = mapOrderItems(order.orderItems, menu.items, posIds);
    if (!mapping.ok) throw new UnknownItems(describeProblems(mapping.problems));

    // Past the deadline Wix was told the order failed: recording it would make a ghost order.
    if (Date.now() >= deadline) throw new PosUnavailable('the order deadline passed');
    const { posOrderId } = await this.ledger.record({
      brand,
      wixOrderId: order.id,
      restaurantId: order.restaurantId,
      lines: mapping.lines,
      wixOrder: order,
      receivedAt: new Date(receivedAt),
    });
    return spiSuccess(posOrderId);
  }
}
