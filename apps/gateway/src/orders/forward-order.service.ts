import { Injectable, Logger } from '@nestjs/common';
import {
  SpiResponse,
  WixOrderRequest,
  isBrand,
  orderRequestTopic,
  validateOrderRequest,
} from '@app/contracts';
import { KafkaRequestClient, RequestPacket } from '@app/kafka';
import { TimeoutError, lastValueFrom, timeout } from 'rxjs';
import { GatewayConfig } from '../config';
import { randomUUID } from 'node:crypto';
import { GatewayMetrics } from '../metrics/gateway-metrics';
import { GatewayAnswer, onReply, onTimeout } from './answer-rules';
import { CardPayments } from './card-payments';
import { orderMessage } from './order-message';
import { TopicDirectory } from './topic-directory';

export interface WebhookCall {
  brand: string;
  body: unknown;
  receivedAt: number;
  /** Names the call in the gateway's and the worker's logs. */
  correlationId?: string;
}

const MAX_LISTED_PROBLEMS = 20;

/** Validates a webhook call, sends it to the brand's workers over Kafka and waits for the answer. */
@Injectable()
export class ForwardOrderService {
  private readonly logger = new Logger('orders');
  /** Calls in flight per brand, for shedding load (MAX_IN_FLIGHT_PER_BRAND). */
  private readonly inFlight = new Map<string, number>();

  constructor(
    private readonly config: GatewayConfig,
    private readonly client: KafkaRequestClient,
    private readonly topics: TopicDirectory,
    private readonly cards: CardPayments,
    private readonly metrics: GatewayMetrics,
  ) {}

  async forward(call: WebhookCall): Promise<SpiResponse> {
    const correlationId = call.correlationId ?? randomUUID();
    this.metrics.inFlight.inc();
    const response = await this.answer(call, correlationId)
      .catch((error: unknown) => GatewayAnswer.gatewayFailed(describe(error)))
      .finally(() => this.metrics.inFlight.dec());
    const outcome = 'value' in response ? 'accepted' : response.error.code;
    const brand = (await this.served(call.brand)) ? call.brand : 'unknown';
    this.metrics.orders.inc({ brand, outcome });
    this.metrics.latency.observe({ brand, outcome }, (Date.now() - call.receivedAt) / 1000);
    const order = (call.body as Partial<WixOrderRequest> | undefined)?.order;
    this.logger.log({
      event: 'order.answered',
      correlationId,
      brand: call.brand,
      wixOrderId: typeof order?.id === 'string' ? order.id : undefined,
      restaurantId: typeof order?.restaurantId === 'string' ? order.restaurantId : undefined,
      outcome,
      posOrderId: 'value' in response ? response.value.orderId : undefined,
      description: 'error' in response ? response.error.description : undefined,
      durationMs: Date.now() - call.receivedAt,
    });
    return response;
  }

  /** Metrics name a brand only once a worker serves it: URLs are not labels. */
  private async served(brand: string): Promise<boolean> {
    return isBrand(brand) && (await this.topics.has(orderRequestTopic(brand)));
  }

  private async answer(
    { brand, body, receivedAt }: WebhookCall,
    correlationId: string,
  ): Promise<SpiResponse> {
    if (!isBrand(brand)) return GatewayAnswer.noSuchBrand(brand);
    const validation = validateOrderRequest(body);
    if (!validation.ok) return GatewayAnswer.invalidOrder(validation.problems, MAX_LISTED_PROBLEMS);
    const topic = orderRequestTopic(brand);
    if (!(await this.topics.has(topic))) return GatewayAnswer.noWorker(brand);
    const deadline = receivedAt + this.config.ORDER_DEADLINE_MS;
    const request = body as WixOrderRequest & { cards?: unknown };
    const cards = this.cards.seal(brand, request);
    if ('error' in cards) return cards;
    const packet: RequestPacket = {
      key: request.order.restaurantId,
      value: orderMessage(request),
      deadline,
      receivedAt,
      sealedCards: cards.sealed,
      correlationId,
    };
    const inFlight = this.inFlight.get(brand) ?? 0;
    if (inFlight >= this.config.MAX_IN_FLIGHT_PER_BRAND) {
      // A backlog this deep would answer in timeouts: say so now, and send nothing.
      this.metrics.shed.inc({ brand });
      return GatewayAnswer.brandOverloaded(brand, inFlight);
    }
    this.inFlight.set(brand, inFlight + 1);
    const sent = Date.now();
    try {
      const reply = await lastValueFrom(
        this.client
          .send<unknown, RequestPacket>(topic, packet)
          .pipe(timeout({ first: Math.max(0, deadline - Date.now()) })),
      );
      this.metrics.replies.observe({ brand }, (Date.now() - sent) / 1000);
      const rule = onReply(reply);
      return rule.kind === 'answer' ? rule.response : GatewayAnswer.accepted(rule.posOrderId);
    } catch (error) {
      if (error instanceof TimeoutError) {
        this.metrics.deadlineMisses.inc({ brand });
        return onTimeout(brand, this.config.ORDER_DEADLINE_MS);
      }
      return GatewayAnswer.unreachable(describe(error));
    } finally {
      this.inFlight.set(brand, (this.inFlight.get(brand) ?? 1) - 1);
    }
  }
}

/** Card data never goes to Kafka in clear: it travels sealed, in a header of its own. */
function describe(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
