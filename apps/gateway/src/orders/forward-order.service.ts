import { Injectable, Logger } from '@nestjs/common';
import {
  SpiErrorCode,
  SpiResponse,
  WixOrderRequest,
  isBrand,
  isSpiResponse,
  orderRequestTopic,
  spiFailure,
  validateOrderRequest,
} from '@app/contracts';
import { KafkaRequestClient, RequestPacket } from '@app/kafka';
import { TimeoutError, lastValueFrom, timeout } from 'rxjs';
import { GatewayConfig } from '../config';
import { CardPayments } from './card-payments';
import { TopicDirectory } from './topic-directory';

export interface WebhookCall {
  brand: string;
  body: unknown;
  rawBody?: Buffer;
  receivedAt: number;
}

const MAX_LISTED_PROBLEMS = 20;

/** Validates a webhook call, sends it to the brand's workers over Kafka and waits for the answer. */
@Injectable()
export class ForwardOrderService {
  private readonly logger = new Logger('orders');

  constructor(
    private readonly config: GatewayConfig,
    private readonly client: KafkaRequestClient,
    private readonly topics: TopicDirectory,
    private readonly cards: CardPayments,
  ) {}

  async forward(call: WebhookCall): Promise<SpiResponse> {
    const response = await this.answer(call).catch((error: unknown) =>
      spiFailure(SpiErrorCode.PosError, `the gateway failed: ${describe(error)}`),
    );
    const order = (call.body as Partial<WixOrderRequest> | undefined)?.order;
    this.logger.log({
      event: 'order.answered',
      brand: call.brand,
      wixOrderId: typeof order?.id === 'string' ? order.id : undefined,
      restaurantId: typeof order?.restaurantId === 'string' ? order.restaurantId : undefined,
      outcome: 'value' in response ? 'accepted' : response.error.code,
      posOrderId: 'value' in response ? response.value.orderId : undefined,
      description: 'error' in response ? response.error.description : undefined,
      durationMs: Date.now() - call.receivedAt,
    });
    return response;
  }

  private async answer({ brand, body, rawBody, receivedAt }: WebhookCall): Promise<SpiResponse> {
    if (!isBrand(brand)) {
      return spiFailure(SpiErrorCode.EndpointDown, `there is no brand ${JSON.stringify(brand)}`);
    }
    const validation = validateOrderRequest(body);
    if (!validation.ok) {
      const { problems } = validation;
      const more = problems.length > MAX_LISTED_PROBLEMS;
      const listed = problems.slice(0, MAX_LISTED_PROBLEMS).join('; ');
      return spiFailure(
        SpiErrorCode.PosError,
        `invalid order request: ${listed}${more ? `; and ${problems.length - MAX_LISTED_PROBLEMS} more` : ''}`,
      );
    }
    const topic = orderRequestTopic(brand);
    if (!(await this.topics.has(topic))) {
      return spiFailure(SpiErrorCode.EndpointDown, `no POS worker serves brand "${brand}"`);
    }
    const deadline = receivedAt + this.config.ORDER_DEADLINE_MS;
    const request = body as WixOrderRequest & { cards?: unknown };
    const cards = this.cards.seal(brand, request);
    if ('error' in cards) return cards;
    const packet: RequestPacket = {
      key: request.order.restaurantId,
      value: withoutCards(request, rawBody),
      deadline,
      receivedAt,
      sealedCards: cards.sealed,
    };
    try {
      const reply = await lastValueFrom(
        this.client
          .send<unknown, RequestPacket>(topic, packet)
          .pipe(timeout({ first: Math.max(0, deadline - Date.now()) })),
      );
      if (isSpiResponse(reply)) return reply;
      return spiFailure(SpiErrorCode.PosError, 'the POS worker answered with no SPI response');
    } catch (error) {
      if (error instanceof TimeoutError) {
        return spiFailure(
          SpiErrorCode.EndpointDown,
          `the POS of brand "${brand}" did not answer within ${this.config.ORDER_DEADLINE_MS} ms`,
        );
      }
      return spiFailure(SpiErrorCode.EndpointDown, `cannot reach the POS: ${describe(error)}`);
    }
  }
}

/** Card data never goes to Kafka in clear: it travels sealed, in a header of its own. */
function withoutCards(request: { cards?: unknown }, rawBody?: Buffer): Buffer | string {
  if (rawBody && !('cards' in request)) return rawBody;
  return JSON.stringify({ ...request, cards: undefined });
}

function describe(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
