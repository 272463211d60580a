import { Injectable, Logger } from '@nestjs/common';
import {
  ORDER_PAYLOAD_MAX_BYTES,
  OrderHeader,
  SpiResponse,
  WixOrderRequest,
  isBrand,
  orderAnswersTopic,
  orderRequestTopic,
  validateOrderRequest,
} from '@wix-pos-gateway/contracts';
import {
  KafkaRequestClient,
  KafkaUnavailableError,
  ReplyDeadlineError,
  RequestPacket,
} from '@wix-pos-gateway/kafka';
import { TooMuchText } from '@wix-pos-gateway/cards';
import { GatewayConfig } from '../config';
import { randomUUID } from 'node:crypto';
import { GatewayMetrics } from '../metrics/gateway-metrics';
import { GatewayAnswer, onReply, onTimeout } from './answer-rules';
import { CardPayments } from './card-payments';
import { quotedFromUrl } from './gateway-answers';
import { OrderAnswers } from './order-answers';
import { cardShapedTime, fitsOrderTopic, orderMessage } from './order-message';
import { TopicDirectory } from './topic-directory';

export interface WebhookCall {
  brand: string;
  /**
   * The parsed body. `forward` takes it out of the call (sets it to `undefined`) once the
   * order's message is made, so that nothing keeps it through the round trip to a worker.
   */
  body: unknown;
  /** Epoch ms when the call arrived: for logs and the worker's. */
  receivedAt: number;
  /** `performance.now()` when the call arrived: the deadline runs from here. */
  arrivedAt: number;
  /** Names the call in the gateway's and the worker's logs. */
  correlationId?: string;
}

/** The answer to a call, and what to do once it is written to the connection, if anything. */
export interface Forwarded {
  response: SpiResponse;
  written?: () => void;
}

/** A call's request, ready to send: it holds the masked order, not the parsed body. */
interface Prepared {
  topic: string;
  packet: RequestPacket;
  wixOrderId: string;
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
    private readonly answers: OrderAnswers,
    private readonly metrics: GatewayMetrics,
  ) {}

  async forward(call: WebhookCall): Promise<Forwarded> {
    const correlationId = call.correlationId ?? randomUUID();
    // The two strings alone: a local holding the order would keep it through the round trip.
    const { wixOrderId, restaurantId } = idsOf(call.body);
    this.metrics.inFlight.inc();
    const forwarded = await this.answer(call, correlationId)
      .catch((error: unknown): Forwarded => ({
        response: GatewayAnswer.gatewayFailed(describe(error)),
      }))
      .finally(() => this.metrics.inFlight.dec());
    const { response } = forwarded;
    const outcome = 'value' in response ? 'accepted' : response.error.code;
    const brand = this.served(call.brand) ? call.brand : 'unknown';
    this.metrics.orders.inc({ brand, outcome });
    const durationMs = Math.round(performance.now() - call.arrivedAt);
    this.metrics.latency.observe({ brand, outcome }, durationMs / 1000);
    this.logger.log({
      event: 'order.answered',
      correlationId,
      brand: this.served(call.brand) ? call.brand : quotedFromUrl(call.brand),
      wixOrderId,
      restaurantId,
      outcome,
      posOrderId: 'value' in response ? response.value.orderId : undefined,
      description: 'error' in response ? response.error.description : undefined,
      durationMs,
    });
    return forwarded;
  }

  /** Metrics name a brand only once a worker serves it: URLs are not labels. */
  private served(brand: string): boolean {
    return isBrand(brand) && this.topics.knows(orderRequestTopic(brand));
  }

  /**
   * The body is the call's largest object: a few thousand objects for an 80 KiB order. It is
   * dropped before the round trip, so that the young generation's scavenges, every few dozen
   * calls, do not copy the bodies of all the calls in flight.
   */
  private async answer(call: WebhookCall, correlationId: string): Promise<Forwarded> {
    let prepared: Prepared | Forwarded;
    try {
      prepared = await this.prepare(call, correlationId);
    } finally {
      call.body = undefined;
    }
    if ('response' in prepared) return prepared;
    return this.exchange(call.brand, prepared);
  }

  /** The request to send for a call, or the answer to give without sending one. */
  private async prepare(call: WebhookCall, correlationId: string): Promise<Prepared | Forwarded> {
    const { brand, body } = call;
    if (!isBrand(brand)) return { response: GatewayAnswer.noSuchBrand(brand) };
    const validation = validateOrderRequest(body);
    if (!validation.ok) {
      return {
        response: GatewayAnswer.invalidOrder(
          validation.problems,
          MAX_LISTED_PROBLEMS,
          validation.omitted,
        ),
      };
    }
    // Not even the topics can be looked up without Kafka: say so now, not at the deadline.
    if (!this.client.isReady) return { response: GatewayAnswer.kafkaUnavailable() };
    const topic = orderRequestTopic(brand);
    const deadline = call.arrivedAt + this.config.orders.deadlineMs;
    const waitMs = () => deadline - performance.now();
    if (!(await this.topics.has(topic, waitMs())))
      return { response: GatewayAnswer.noWorker(brand) };
    if (!(await this.topics.has(orderAnswersTopic(brand), waitMs()))) {
      return { response: GatewayAnswer.noAnswersTopic(brand) };
    }
    const request = body as WixOrderRequest & { cards?: unknown };
    const time = cardShapedTime(request.order);
    if (time) return { response: GatewayAnswer.cardInTime(time) };
    const cards = this.cards.seal(brand, request);
    if ('error' in cards) return { response: cards };
    const message = messageOf(request);
    if ('problem' in message) return { response: GatewayAnswer.invalidOrder([message.problem], 1) };
    if (message.maskedIds > 0) return { response: GatewayAnswer.cardInId() };
    if (!fitsOrderTopic(message.json, cards.sealed)) {
      return { response: GatewayAnswer.messageTooLarge(ORDER_PAYLOAD_MAX_BYTES) };
    }
    const packet: RequestPacket = {
      key: request.order.restaurantId,
      value: message.json,
      deadline,
      correlationId,
      headers: {
        [OrderHeader.ReceivedAt]: String(call.receivedAt),
        ...(cards.sealed === undefined ? {} : { [OrderHeader.SealedCards]: cards.sealed }),
      },
    };
    return { topic, packet, wixOrderId: request.order.id };
  }

  /** Sends the request of a call and answers from its reply. */
  private async exchange(
    brand: string,
    { topic, packet, wixOrderId }: Prepared,
  ): Promise<Forwarded> {
    const inFlight = this.inFlight.get(brand) ?? 0;
    if (inFlight >= this.config.orders.maxInFlightPerBrand) {
      // A backlog this deep would answer in timeouts: say so now, and send nothing.
      this.metrics.shed.inc({ brand });
      return { response: GatewayAnswer.brandOverloaded(brand, inFlight) };
    }
    this.inFlight.set(brand, inFlight + 1);
    try {
      const reply = await this.request(brand, topic, packet);
      if ('response' in reply) return reply;
      const rule = onReply(reply.reply);
      if (rule.kind === 'answer') return { response: rule.response };
      const decision = {
        brand,
        wixOrderId,
        correlationId: packet.correlationId,
        posOrderId: rule.posOrderId,
      };
      const response = await this.answers.decide(decision, packet.deadline);
      if (!('value' in response)) return { response };
      return { response, written: () => this.answers.written(decision) };
    } finally {
      this.inFlight.set(brand, (this.inFlight.get(brand) ?? 1) - 1);
    }
  }

  /** The worker's reply, or the answer to give without one. */
  private async request(
    brand: string,
    topic: string,
    packet: RequestPacket,
  ): Promise<{ reply: unknown } | Forwarded> {
    const sent = performance.now();
    try {
      const reply = await this.client.request(topic, packet);
      this.metrics.replies.observe({ brand }, (performance.now() - sent) / 1000);
      return { reply };
    } catch (error) {
      if (error instanceof ReplyDeadlineError) {
        this.metrics.deadlineMisses.inc({ brand });
        return { response: onTimeout(brand, this.config.orders.deadlineMs) };
      }
      if (error instanceof KafkaUnavailableError) {
        return { response: GatewayAnswer.kafkaUnavailable() };
      }
      return { response: GatewayAnswer.unreachable(describe(error)) };
    }
  }
}

/** The order's message, or why it cannot be made. */
function messageOf(
  request: WixOrderRequest,
): ReturnType<typeof orderMessage> | { problem: string } {
  try {
    return orderMessage(request);
  } catch (error) {
    if (error instanceof TooMuchText) return { problem: error.message };
    throw error;
  }
}

/** The order's ids as the body gives them, for the log. */
function idsOf(body: unknown): { wixOrderId?: string; restaurantId?: string } {
  const order = (body as Partial<WixOrderRequest> | undefined)?.order;
  return {
    wixOrderId: typeof order?.id === 'string' ? order.id : undefined,
    restaurantId: typeof order?.restaurantId === 'string' ? order.restaurantId : undefined,
  };
}

function describe(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
