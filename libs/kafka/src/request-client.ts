import { Logger } from '@nestjs/common';
import { ClientProxy, ReadPacket, WritePacket } from '@nestjs/microservices';
import { OrderHeader, ORDER_REPLY_TOPIC, gatewayReplyGroupId } from '@app/contracts';
import { randomUUID } from 'node:crypto';
import { Consumer, Kafka, KafkaMessage, Message, Producer } from 'kafkajs';

/** One request: produced to `pattern` (a topic) with this key, value and deadline. */
export interface RequestPacket {
  key: string;
  value: Buffer | string;
  deadline: number;
  receivedAt: number;
  /** Sealed card data, carried in a header of its own. */
  sealedCards?: string;
  /** Names the request in every log line, gateway and worker; unique per request. */
  correlationId?: string;
}

export interface RequestClientOptions {
  /** Unique per running gateway process: names its own reply consumer group. */
  instanceId: string;
  /** How long a fetch may wait for replies when there are none; small, see kafkajs #370. */
  maxWaitTimeInMs: number;
  /** The reply consumer stopped for good (kafkajs will not restart it). */
  crashed?: (error: Error) => void;
  /** A reply came after its request was given up (the caller answered without it). */
  lateReply?: (late: { topic: string; request: RequestPacket; response: unknown }) => void;
}

/** How long a given-up request is remembered, to recognize its late reply. */
const ABANDONED_TTL_MS = 10 * 60_000;

/**
 * Request/reply over Kafka for `ClientProxy.send(topic, packet)`.
 *
 * Unlike `ClientKafka`, each instance reads the shared reply topic in a consumer group of its
 * own and keeps the replies addressed to it (by correlation id): a gateway starting, stopping
 * or crashing never rebalances another gateway's reply consumer, so it cannot stall or lose
 * the other's replies. The cost is that every instance reads every reply, which is small
 * next to the orders themselves.
 */
export class KafkaRequestClient extends ClientProxy {
  private readonly logger = new Logger(KafkaRequestClient.name);
  private readonly pending = new Map<string, (packet: WritePacket) => void>();
  private readonly abandoned = new Map<
    string,
    { topic: string; request: RequestPacket; until: number }
  >();
  private producer?: Producer;
  private consumer?: Consumer;
  private connection?: Promise<void>;
  private ready = false;

  constructor(
    private readonly kafka: Kafka,
    private readonly options: RequestClientOptions,
  ) {
    super();
  }

  get isReady(): boolean {
    return this.ready;
  }

  get inFlight(): number {
    return this.pending.size;
  }

  connect(): Promise<void> {
    this.connection ??= this.start().catch((error: unknown) => {
      this.connection = undefined;
      throw error;
    });
    return this.connection;
  }

  async close(): Promise<void> {
    this.ready = false;
    this.connection = undefined;
    await Promise.allSettled([this.consumer?.disconnect(), this.producer?.disconnect()]);
  }

  unwrap<T>(): T {
    return { producer: this.producer, consumer: this.consumer } as T;
  }

  protected publish(packet: ReadPacket<RequestPacket>, callback: (packet: WritePacket) => void) {
    const correlationId = packet.data.correlationId ?? randomUUID();
    this.pending.set(correlationId, callback);
    const { key, value, deadline, receivedAt, sealedCards } = packet.data;
    this.producer!.send({
      topic: packet.pattern as string,
      acks: -1,
      messages: [
        {
          key,
          value,
          headers: {
            [OrderHeader.CorrelationId]: correlationId,
            [OrderHeader.ReplyTopic]: ORDER_REPLY_TOPIC,
            [OrderHeader.Budget]: String(deadline - Date.now()),
            [OrderHeader.ReceivedAt]: String(receivedAt),
            ...(sealedCards === undefined ? {} : { [OrderHeader.SealedCards]: sealedCards }),
          },
        },
      ],
    }).catch((err: unknown) => {
      // A failed produce may still have written the request (the broker went away before
      // acknowledging it), and a worker may take it: keep waiting for its reply until the
      // caller's deadline rather than answer now, and so never answer "down" for an order
      // that is then taken.
      const reason = err instanceof Error ? err.message : String(err);
      this.logger.warn(`request ${correlationId} may not have reached Kafka: ${reason}`);
    });
    return () => {
      if (!this.pending.delete(correlationId)) return;
      const until = Date.now() + ABANDONED_TTL_MS;
      this.abandoned.set(correlationId, {
        topic: packet.pattern as string,
        request: packet.data,
        until,
      });
    };
  }

  /** Produces one message of the caller's (e.g. a void order request). */
  async notify(topic: string, message: Message): Promise<void> {
    await this.producer!.send({ topic, acks: -1, messages: [message] });
  }

  protected dispatchEvent(): Promise<never> {
    return Promise.reject(new Error('KafkaRequestClient only sends requests'));
  }

  private async start(): Promise<void> {
    this.producer = this.kafka.producer({ allowAutoTopicCreation: false });
    this.consumer = this.kafka.consumer({
      groupId: gatewayReplyGroupId(this.options.instanceId),
      allowAutoTopicCreation: false,
      maxWaitTimeInMs: this.options.maxWaitTimeInMs,
      sessionTimeout: 10_000,
      heartbeatInterval: 1_000,
    });
    this.consumer.on(this.consumer.events.CRASH, ({ payload }) => {
      this.logger.error(
        `reply consumer crashed: ${payload.error.message} (restart: ${payload.restart})`,
      );
      if (payload.restart) return;
      this.ready = false;
      this.options.crashed?.(payload.error);
    });
    await this.producer.connect();
    await this.consumer.connect();
    await this.consumer.subscribe({ topic: ORDER_REPLY_TOPIC, fromBeginning: false });
    const fetching = new Promise<void>((resolve) => {
      const stop = this.consumer!.on(this.consumer!.events.FETCH, () => {
        stop();
        resolve();
      });
    });
    await this.consumer.run({
      eachMessage: ({ message }) => {
        this.deliver(message);
        return Promise.resolve();
      },
    });
    // Replies produced before the first fetch resolved the group's start offsets could be
    // skipped, so the client is ready only once it is fetching.
    await fetching;
    this.ready = true;
  }

  private deliver(message: KafkaMessage): void {
    const correlationId = message.headers?.[OrderHeader.CorrelationId]?.toString();
    if (correlationId === undefined) return;
    const callback = this.pending.get(correlationId);
    if (!callback) return this.late(correlationId, message);
    this.pending.delete(correlationId);
    try {
      const response = JSON.parse(message.value?.toString() ?? 'null') as unknown;
      callback({ response, isDisposed: true });
    } catch (err) {
      callback({ err });
    }
  }

  /** Every gateway reads every reply: only those of its own given-up requests matter here. */
  private late(correlationId: string, message: KafkaMessage): void {
    const abandoned = this.abandoned.get(correlationId);
    if (abandoned) {
      this.abandoned.delete(correlationId);
      try {
        const response = JSON.parse(message.value?.toString() ?? 'null') as unknown;
        this.options.lateReply?.({ topic: abandoned.topic, request: abandoned.request, response });
      } catch {
        // A reply that is not JSON holds nothing to act on.
      }
    }
    // Entries share one lifetime, so the map is in expiry order: the expired ones lead it.
    const now = Date.now();
    for (const [id, { until }] of this.abandoned) {
      if (until >= now) break;
      this.abandoned.delete(id);
    }
  }
}
