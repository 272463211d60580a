import { Logger } from '@nestjs/common';
import { CustomTransportStrategy, MessageHandler, Server } from '@nestjs/microservices';
import { OrderHeader, SubmitOrder } from '@wix-pos-gateway/contracts';
import { Consumer, EachBatchPayload, Kafka, KafkaMessage, Producer } from 'kafkajs';
import { lastValueFrom } from 'rxjs';
import { PartitionWork } from './partition-work';
import { createProducer, runConsumer } from './kafka-client';
import { SendQueue } from './send-queue';
import { Slots } from './slots';
import { untilKafkaAnswers } from './startup';

export interface OrderConsumerOptions {
  brand: string;
  topic: string;
  groupId: string;
  /** The message pattern of the handler that answers each request. */
  pattern: string;
  /** Orders processed at once by this process, across all its partitions. */
  maxInFlight: number;
  maxWaitTimeInMs: number;
  sessionTimeoutMs: number;
  /**
   * A request's age (its Kafka timestamp against this process's clock) beyond this much is
   * taken off its budget: one that waited in Kafka while no worker read it is not started for
   * a caller that gave up. Clocks apart by more than this only shorten budgets: nothing an
   * order's outcome depends on reads another machine's clock.
   */
  clockSlackMs: number;
}

export interface OrderConsumerEvents {
  /** The reply to a request whose handler threw. */
  failed: (error: unknown, correlationId: string) => unknown;
}

interface Headers {
  correlationId: string;
  replyTopic: string;
  budgetMs: number;
  receivedAt: number;
  sealedCards?: string;
}

/** Requests fetched but not started, per slot: enough to keep slots busy, bounded in memory. */
const QUEUED_PER_SLOT = 4;

/** How long the broker may wait for its replicas to take a reply (kafkajs's own default). */
const REPLY_TIMEOUT_MS = 30_000;

/** How long after kafkajs ended a consumer for good a new one starts, and again after a failed start. */
const REOPEN_MS = 1_000;

/**
 * The worker's Kafka transport: consumes a brand's order topic in the brand's consumer group
 * and hands each request to the handler of `pattern`, then produces its answer to the reply
 * topic the request named. It knows nothing of what the answer means.
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
  private readonly queued: Slots;
  private consumer?: Consumer;
  private producer?: Producer;
  private sends?: SendQueue;
  private commitTimer?: NodeJS.Timeout;
  private reopenTimer?: NodeJS.Timeout;
  private joined = false;
  private closing = false;
  /**
   * The pattern's handler, looked up once it is found: Nest's lookup first parses the pattern
   * as JSON, and `pos.order.submit` is not JSON, so each lookup threw and caught an error.
   */
  private handler?: MessageHandler | null;

  constructor(
    private readonly kafka: Kafka,
    private readonly options: OrderConsumerOptions,
    private readonly events: OrderConsumerEvents,
  ) {
    super();
    this.slots = new Slots(options.maxInFlight);
    this.queued = new Slots(options.maxInFlight * QUEUED_PER_SLOT);
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

  /**
   * Stops taking orders, finishes those running (starting none of those queued behind them),
   * commits below the first that did not run, and leaves the group.
   */
  async close(): Promise<void> {
    this.closing = true;
    clearTimeout(this.reopenTimer);
    try {
      this.consumer?.pause([{ topic: this.options.topic }]);
    } catch {
      // Not running (ended, or still starting): it fetches nothing to pause.
    }
    await Promise.all([...this.work.values()].map((work) => work.stop()));
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
    this.producer = createProducer(this.kafka);
    this.sends = new SendQueue(this.producer);
    await this.producer.connect();
    // A topic just created may not have reached every broker yet: a subscription it refuses
    // is tried again (see `untilKafkaAnswers`).
    const warn = (message: string) => this.logger.warn(message);
    await untilKafkaAnswers('order consumer', () => this.open(), { warn });
  }

  /**
   * Joins the group with a new consumer. kafkajs restarts a consumer after most failures, but
   * ends it for good after some a broker outage gives ("Failed to find group coordinator"):
   * then a new one starts, for as long as the worker runs. Orders it had fetched and not
   * committed are fetched again, and the ledger answers them.
   */
  private async open(): Promise<void> {
    const { groupId, topic, maxWaitTimeInMs, sessionTimeoutMs } = this.options;
    const consumer = this.kafka.consumer({
      groupId,
      allowAutoTopicCreation: false,
      maxWaitTimeInMs,
      sessionTimeout: sessionTimeoutMs,
      heartbeatInterval: Math.max(500, Math.floor(sessionTimeoutMs / 10)),
    });
    this.consumer = consumer;
    const current = () => this.consumer === consumer && !this.closing;
    consumer.on(consumer.events.GROUP_JOIN, ({ payload }) => {
      if (!current()) return;
      const assigned = new Set(payload.memberAssignment[topic] ?? []);
      for (const partition of this.work.keys()) {
        if (!assigned.has(partition)) this.work.delete(partition);
      }
      this.committed.clear();
      this.joined = true;
      this.logger.log(`joined ${groupId}: partitions [${[...assigned].join(', ')}] of ${topic}`);
    });
    consumer.on(consumer.events.CRASH, ({ payload }) => {
      if (!current()) return;
      this.joined = false;
      if (payload.restart) {
        this.logger.warn(`consumer crashed: ${payload.error.message}; kafkajs restarts it`);
        return;
      }
      this.logger.error(
        `consumer crashed: ${payload.error.message}; a new one starts in ${REOPEN_MS} ms`,
      );
      this.reopenLater();
    });
    await runConsumer(consumer, topic, {
      autoCommit: false,
      eachBatchAutoResolve: false,
      eachBatch: (payload) => this.schedule(payload),
    }).catch((error: unknown) => {
      if (this.consumer === consumer) this.consumer = undefined;
      throw error;
    });
    // Closed while it started: kafkajs would let it join anyway.
    if (this.closing) await consumer.disconnect();
  }

  private reopenLater(): void {
    clearTimeout(this.reopenTimer);
    this.reopenTimer = setTimeout(() => void this.reopen(), REOPEN_MS);
  }

  private async reopen(): Promise<void> {
    await this.consumer?.disconnect().catch(() => undefined);
    if (this.closing) return;
    try {
      await this.open();
    } catch (error) {
      this.logger.warn(`consumer not started again yet: ${describe(error)}`);
      if (!this.closing) this.reopenLater();
    }
  }

  private async schedule(payload: EachBatchPayload): Promise<void> {
    const { batch } = payload;
    let work = this.work.get(batch.partition);
    if (!work) this.work.set(batch.partition, (work = new PartitionWork()));
    for (const message of batch.messages) {
      await this.queued.acquire(() => payload.heartbeat());
      if (this.closing || !payload.isRunning() || payload.isStale()) {
        this.queued.release();
        break;
      }
      const key = message.key?.toString() ?? '';
      // The budget runs from here: what the request waited in Kafka is measured now, once;
      // the wait behind its restaurant is the budget's own elapsed time.
      const arrivedAt = performance.now();
      const waitedInKafkaMs = Date.now() - Number(message.timestamp);
      // A slot is taken when the order starts, not while it waits behind its restaurant.
      const run = async () => {
        await this.slots.acquire();
        try {
          await this.process(message, arrivedAt, waitedInKafkaMs);
        } finally {
          this.slots.release();
        }
      };
      const finish = () => {
        this.queued.release();
        this.scheduleCommit();
      };
      work.add(Number(message.offset), key, run).then(finish, finish);
      payload.resolveOffset(message.offset);
    }
    await payload.heartbeat();
  }

  private async process(
    message: KafkaMessage,
    arrivedAt: number,
    waitedInKafkaMs: number,
  ): Promise<void> {
    const headers = readHeaders(message);
    if (!headers) {
      this.logger.warn(`skipped a message at offset ${message.offset}: no order headers`);
      return;
    }
    const request: SubmitOrder = {
      brand: this.options.brand,
      budgetMs: headers.budgetMs - Math.max(0, waitedInKafkaMs - this.options.clockSlackMs),
      arrivedAt,
      receivedAt: headers.receivedAt,
      correlationId: headers.correlationId,
      body: message.value?.toString() ?? '',
      sealedCards: headers.sealedCards,
    };
    await this.reply(headers, await this.answer(request));
  }

  private async reply(headers: Headers, response: unknown): Promise<void> {
    try {
      await this.sends!.send(
        headers.replyTopic,
        [
          {
            key: headers.correlationId,
            value: JSON.stringify(response),
            headers: { [OrderHeader.CorrelationId]: headers.correlationId },
          },
        ],
        REPLY_TIMEOUT_MS,
      );
    } catch (error) {
      // The gateway answers without it when its budget runs out; what the worker recorded
      // stays provisional until a gateway records an answer.
      this.logger.warn(`could not reply to ${headers.correlationId}: ${describe(error)}`);
    }
  }

  private async answer(request: SubmitOrder): Promise<unknown> {
    try {
      const handler = (this.handler ??= this.getHandlerByPattern(this.options.pattern));
      if (!handler) throw new Error(`no handler for ${this.options.pattern}`);
      return await lastValueFrom(this.transformToObservable(await handler(request)));
    } catch (error) {
      this.logger.error(`request ${request.correlationId} failed: ${describe(error)}`);
      return this.events.failed(error, request.correlationId);
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
  const budgetMs = Number(header(OrderHeader.Budget));
  // When its gateway received the order; one it does not give counts from now.
  const given = Number(header(OrderHeader.ReceivedAt));
  const receivedAt = Number.isNaN(new Date(given).getTime()) ? Date.now() : given;
  if (!correlationId || !replyTopic || !Number.isFinite(budgetMs)) return undefined;
  return {
    correlationId,
    replyTopic,
    budgetMs,
    receivedAt,
    sealedCards: header(OrderHeader.SealedCards),
  };
}

function describe(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
