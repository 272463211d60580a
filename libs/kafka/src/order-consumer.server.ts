import { Logger } from '@nestjs/common';
import { CustomTransportStrategy, Server } from '@nestjs/microservices';
import {
  OrderHeader,
  SpiErrorCode,
  SpiResponse,
  SubmitOrder,
  SUBMIT_ORDER_PATTERN,
  isSpiResponse,
  spiFailure,
  wixOrderIdOf,
} from '@app/contracts';
import { Consumer, EachBatchPayload, Kafka, KafkaMessage, Producer } from 'kafkajs';
import { lastValueFrom } from 'rxjs';
import { PartitionWork } from './partition-work';
import { Slots } from './slots';

export interface OrderConsumerOptions {
  brand: string;
  topic: string;
  groupId: string;
  /** Orders processed at once by this process, across all its partitions. */
  maxInFlight: number;
  maxWaitTimeInMs: number;
  sessionTimeoutMs: number;
}

export interface OrderConsumerEvents {
  /**
   * A request arrived after its deadline and was not started. An answer the handler returns
   * (an order an earlier delivery placed) is still sent: only the gateway knows whether Wix
   * heard it, and it asks for a void if not.
   */
  expired?: (order: {
    correlationId: string;
    lateByMs: number;
    wixOrderId?: string;
  }) => Promise<SpiResponse | undefined>;
  /** The consumer stopped for good (kafkajs will not restart it). */
  crashed?: (error: Error) => void;
  /**
   * An accepted order whose reply could not reach the gateway in time (the broker was down,
   * or the reply was produced past the deadline): Wix was told `endpoint_down`.
   */
  unanswered?: (order: {
    correlationId: string;
    wixOrderId?: string;
    orderId: string;
    reason: string;
  }) => Promise<void>;
  /** The gateway asks to void an order whose acceptance reached it too late. */
  voidRequested?: (order: { wixOrderId: string; correlationId: string }) => Promise<void>;
}

interface Headers {
  correlationId: string;
  replyTopic: string;
  deadline: number;
  receivedAt: number;
  sealedCards?: string;
}

/**
 * The worker's Kafka transport: consumes a brand's order topic in the brand's consumer group
 * and hands each order to the `SUBMIT_ORDER_PATTERN` handler, then produces its answer to the
 * reply topic the request named.
 *
 * Orders of one restaurant (one message key) run in order; other restaurants run alongside
 * (see `PartitionWork`). Offsets are committed only below the oldest unfinished order, so a
 * crash redelivers, and never skips, an order; the handler is idempotent on the Wix order id.
 */
export class OrderConsumerServer extends Server implements CustomTransportStrategy {
  protected override readonly logger = new Logger(OrderConsumerServer.name);
  private readonly work = new Map<number, PartitionWork>();
  private readonly committed = new Map<number, number>();
  private readonly slots: Slots;
  private consumer?: Consumer;
  private producer?: Producer;
  private commitTimer?: NodeJS.Timeout;
  private joined = false;
  private closing = false;

  constructor(
    private readonly kafka: Kafka,
    private readonly options: OrderConsumerOptions,
    private readonly events: OrderConsumerEvents = {},
  ) {
    super();
    this.slots = new Slots(options.maxInFlight);
  }

  get isReady(): boolean {
    return this.joined;
  }

  get inFlight(): number {
    return this.slots.inUse;
  }

  listen(callback: (error?: unknown) => void): void {
    this.start().then(
      () => callback(),
      (error: unknown) => callback(error),
    );
  }

  /** Stops taking orders, finishes those in flight, commits, and leaves the group. */
  async close(): Promise<void> {
    this.closing = true;
    this.consumer?.pause([{ topic: this.options.topic }]);
    await Promise.all([...this.work.values()].map((work) => work.drain()));
    clearTimeout(this.commitTimer);
    await this.commit();
    this.joined = false;
    await Promise.allSettled([this.consumer?.disconnect(), this.producer?.disconnect()]);
  }

  on(): never {
    throw new Error('OrderConsumerServer has no events to subscribe to');
  }

  unwrap<T>(): T {
    return { consumer: this.consumer, producer: this.producer } as T;
  }

  private async start(): Promise<void> {
    const { groupId, topic, maxWaitTimeInMs, sessionTimeoutMs } = this.options;
    this.producer = this.kafka.producer({ allowAutoTopicCreation: false });
    this.consumer = this.kafka.consumer({
      groupId,
      allowAutoTopicCreation: false,
      maxWaitTimeInMs,
      sessionTimeout: sessionTimeoutMs,
      heartbeatInterval: Math.max(500, Math.floor(sessionTimeoutMs / 10)),
    });
    this.consumer.on(this.consumer.events.GROUP_JOIN, ({ payload }) => {
      const assigned = new Set(payload.memberAssignment[topic] ?? []);
      for (const partition of this.work.keys()) {
        if (!assigned.has(partition)) this.work.delete(partition);
      }
      this.committed.clear();
      this.joined = true;
      this.logger.log(`joined ${groupId}: partitions [${[...assigned].join(', ')}] of ${topic}`);
    });
    this.consumer.on(this.consumer.events.CRASH, ({ payload }) => {
      this.joined = false;
      this.logger.error(`consumer crashed: ${payload.error.message} (restart: ${payload.restart})`);
      if (!payload.restart) this.events.crashed?.(payload.error);
    });
    await this.producer.connect();
    await this.consumer.connect();
    await this.consumer.subscribe({ topic, fromBeginning: true });
    await this.consumer.run({
      autoCommit: false,
      eachBatchAutoResolve: false,
      eachBatch: (payload) => this.schedule(payload),
    });
  }

  private async schedule(payload: EachBatchPayload): Promise<void> {
    const { batch } = payload;
    let work = this.work.get(batch.partition);
    if (!work) this.work.set(batch.partition, (work = new PartitionWork()));
    for (const message of batch.messages) {
      if (this.closing || !payload.isRunning() || payload.isStale()) break;
      await this.slots.acquire(() => payload.heartbeat());
      const finish = () => {
        this.slots.release();
        this.scheduleCommit();
      };
      const key = message.key?.toString() ?? '';
      work.add(Number(message.offset), key, () => this.process(message)).then(finish, finish);
      payload.resolveOffset(message.offset);
    }
    await payload.heartbeat();
  }

  private async process(message: KafkaMessage): Promise<void> {
    const voidOrder = message.headers?.[OrderHeader.Void]?.toString();
    if (voidOrder) {
      const correlationId = message.headers?.[OrderHeader.CorrelationId]?.toString() ?? '';
      return this.safely('void', () =>
        this.events.voidRequested?.({ wixOrderId: voidOrder, correlationId }),
      );
    }
    const headers = readHeaders(message);
    if (!headers) {
      this.logger.warn(`skipped a message at offset ${message.offset}: no order headers`);
      return;
    }
    const lateByMs = Date.now() - headers.deadline;
    if (lateByMs >= 0) {
      this.logger.warn(
        `skipped request ${headers.correlationId}: its deadline passed ${lateByMs} ms ago`,
      );
      return this.safely('expired', async () => {
        const { correlationId } = headers;
        const wixOrderId = wixOrderIdOf(message.value);
        const recorded = await this.events.expired?.({ correlationId, lateByMs, wixOrderId });
        if (recorded) await this.reply(headers, recorded);
      });
    }
    const response = await this.answer(message, headers);
    const reason = await this.reply(headers, response);
    if (reason && 'value' in response) {
      this.logger.warn(`request ${headers.correlationId}: accepted, but ${reason}`);
      await this.safely('unanswered', () =>
        this.events.unanswered?.({
          correlationId: headers.correlationId,
          wixOrderId: wixOrderIdOf(message.value),
          orderId: response.value.orderId,
          reason,
        }),
      );
    }
  }

  /** An event handler that fails (its database is down) must not stop the partition's work. */
  private async safely(event: string, handle: () => Promise<void> | undefined): Promise<void> {
    try {
      await handle();
    } catch (error) {
      this.logger.error(`${event} handler failed: ${describe(error)}`);
    }
  }

  /** Why the gateway did not get the reply in time, if it did not. */
  private async reply(headers: Headers, response: SpiResponse): Promise<string | undefined> {
    try {
      await this.producer!.send({
        topic: headers.replyTopic,
        acks: -1,
        messages: [
          {
            key: headers.correlationId,
            value: JSON.stringify(response),
            headers: { [OrderHeader.CorrelationId]: headers.correlationId },
          },
        ],
      });
    } catch (error) {
      this.logger.error(`could not reply to ${headers.correlationId}: ${describe(error)}`);
      return `its reply could not be sent: ${describe(error)}`;
    }
    const lateByMs = Date.now() - headers.deadline;
    return lateByMs > 0 ? `its reply was sent ${lateByMs} ms past the deadline` : undefined;
  }

  private async answer(message: KafkaMessage, headers: Headers): Promise<SpiResponse> {
    const handler = this.getHandlerByPattern(SUBMIT_ORDER_PATTERN);
    if (!handler) return spiFailure(SpiErrorCode.PosError, 'the worker has no order handler');
    let body: unknown;
    try {
      body = JSON.parse(message.value?.toString() ?? 'null');
    } catch {
      // The parser's message quotes the input, which is not for logs or answers.
      return spiFailure(SpiErrorCode.PosError, 'the order message is not valid JSON');
    }
    try {
      const order: SubmitOrder = {
        brand: this.options.brand,
        deadline: headers.deadline,
        receivedAt: headers.receivedAt,
        correlationId: headers.correlationId,
        body,
        sealedCards: headers.sealedCards,
      };
      const result: unknown = await lastValueFrom(this.transformToObservable(await handler(order)));
      if (isSpiResponse(result)) return result;
      throw new Error('the order handler returned no SPI response');
    } catch (error) {
      this.logger.error(`request ${headers.correlationId} failed: ${describe(error)}`);
      return spiFailure(SpiErrorCode.PosError, `the POS worker failed: ${describe(error)}`);
    }
  }

  private scheduleCommit(): void {
    this.commitTimer ??= setTimeout(() => {
      this.commitTimer = undefined;
      void this.commit();
    }, 100);
  }

  private async commit(): Promise<void> {
    const offsets = [...this.work].flatMap(([partition, work]) => {
      const offset = work.committable();
      if (offset === undefined || this.committed.get(partition) === offset) return [];
      return [{ partition, offset }];
    });
    if (offsets.length === 0 || !this.consumer) return;
    try {
      await this.consumer.commitOffsets(
        offsets.map(({ partition, offset }) => ({
          topic: this.options.topic,
          partition,
          offset: String(offset),
        })),
      );
      offsets.forEach(({ partition, offset }) => this.committed.set(partition, offset));
    } catch (error) {
      // Uncommitted orders are redelivered and answered again from the ledger.
      this.logger.warn(`offset commit failed: ${describe(error)}`);
    }
  }
}

function readHeaders(message: KafkaMessage): Headers | undefined {
  const header = (name: string) => message.headers?.[name]?.toString();
  const correlationId = header(OrderHeader.CorrelationId);
  const replyTopic = header(OrderHeader.ReplyTopic);
  const deadline = Number(header(OrderHeader.Deadline));
  const receivedAt = Number(header(OrderHeader.ReceivedAt));
  if (!correlationId || !replyTopic || !Number.isFinite(deadline)) return undefined;
  return {
    correlationId,
    replyTopic,
    deadline,
    receivedAt,
    sealedCards: header(OrderHeader.SealedCards),
  };
}

function describe(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
