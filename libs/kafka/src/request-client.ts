import { Logger } from '@nestjs/common';
import { OrderHeader, ORDER_REPLY_TOPIC, gatewayReplyGroupId } from '@wix-pos-gateway/contracts';
import { Consumer, Kafka, KafkaMessage, Message, Producer } from 'kafkajs';
import { setTimeout as sleep } from 'node:timers/promises';
import { createProducer } from './kafka-client';
import { SendQueue } from './send-queue';
import { LoopStalls } from './loop-stalls';

/** One request: produced with this key, value and headers, answered by `deadline` or never. */
export interface RequestPacket {
  key: string;
  value: Buffer | string;
  /** `performance.now()` by which the reply must be in; what is left travels as the budget. */
  deadline: number;
  /** Names the request in every log line, and pairs it with its reply; unique per request. */
  correlationId: string;
  /** The caller's own headers, sent as they are. */
  headers?: Record<string, string>;
}

export interface RequestClientOptions {
  /** Unique per running gateway process: names its own reply consumer group. */
  instanceId: string;
  /** How long a fetch may wait for replies when there are none; small, see kafkajs #370. */
  maxWaitTimeInMs: number;
  /** How long past its last fetch (and maxWait) the reply consumer still counts as reading. */
  fetchSilenceMs?: number;
}

/** Kafka cannot be used now: nothing was sent. */
export class KafkaUnavailableError extends Error {
  override readonly name = 'KafkaUnavailableError';
}

/** No reply came before the request's deadline. */
export class ReplyDeadlineError extends Error {
  override readonly name = 'ReplyDeadlineError';
}

/** A write whose acknowledgement did not come within its timeout: it may still have been written. */
export class AckTimeoutError extends Error {
  override readonly name = 'AckTimeoutError';
}

/** Waits between attempts to reconnect: doubles from the first to the last. */
const RECONNECT_FIRST_MS = 250;
const RECONNECT_LAST_MS = 2_000;
const FETCH_SILENCE_MS = 3_000;

interface Pending {
  resolve: (reply: unknown) => void;
  reject: (error: Error) => void;
}

/**
 * Request/reply over Kafka, and plain writes acknowledged by every in-sync replica.
 *
 * Unlike Nest's `ClientKafka`, each instance reads the shared reply topic in a consumer group
 * of its own and keeps the replies addressed to it (by correlation id): a gateway starting,
 * stopping or crashing never rebalances another gateway's reply consumer, so it cannot stall
 * or lose the other's replies. The cost is that every instance reads every reply, which is
 * small next to the requests themselves.
 *
 * When the reply consumer stops (a broker outage ends a kafkajs consumer for good), the client
 * reconnects with a new producer and consumer, with backoff, for as long as it is open; it is
 * not ready meanwhile, and refuses requests at once instead of letting them wait for nothing.
 */
export class KafkaRequestClient {
  private readonly logger = new Logger(KafkaRequestClient.name);
  private readonly pending = new Map<string, Pending>();
  private readonly closing = new AbortController();
  private producer?: Producer;
  private sends?: SendQueue;
  private consumer?: Consumer;
  private connection?: Promise<void>;
  private reconnecting?: Promise<void>;
  private connected = false;
  /** `performance.now()` of the reply consumer's last fetch. */
  private fetchedAt = -Infinity;
  /** The loop's stalls then: no fetch can be seen while the loop is held (`LoopStalls`). */
  private stalledAtFetch = 0;
  private readonly stalls = new LoopStalls();

  constructor(
    private readonly kafka: Kafka,
    private readonly options: RequestClientOptions,
  ) {}

  /**
   * Replies are being read now, so a request sent now can be answered: the reply consumer has
   * fetched lately, not counting the time this process's own loop was held (a large body parsed
   * in the turn asking, say), when no fetch could have been seen.
   */
  get isReady(): boolean {
    const held = this.stalls.now() - this.stalledAtFetch;
    const silence = performance.now() - this.fetchedAt - held;
    return (
      this.connected &&
      this.reconnecting === undefined &&
      silence <= this.options.maxWaitTimeInMs + (this.options.fetchSilenceMs ?? FETCH_SILENCE_MS)
    );
  }

  get inFlight(): number {
    return this.pending.size;
  }

  /** Connects once; ready when it resolves. Later losses are repaired without the caller. */
  connect(): Promise<void> {
    this.stalls.start();
    this.connection ??= this.open().then(
      () => {
        this.connected = true;
      },
      async (error: unknown) => {
        this.connection = undefined;
        await this.teardown();
        throw error;
      },
    );
    return this.connection;
  }

  async close(): Promise<void> {
    this.closing.abort();
    this.connected = false;
    this.stalls.stop();
    await this.reconnecting;
    await this.teardown();
  }

  /**
   * Sends a request and resolves with its reply (parsed JSON). Rejects with
   * `KafkaUnavailableError` when replies cannot be read now (nothing is sent), with
   * `ReplyDeadlineError` at the deadline, or with the producer's error as soon as the request
   * cannot be written.
   */
  request(topic: string, packet: RequestPacket): Promise<unknown> {
    const sends = this.sends;
    if (!this.isReady || !sends) {
      return Promise.reject(new KafkaUnavailableError('replies from Kafka are not being read'));
    }
    const { correlationId, deadline } = packet;
    return new Promise((resolve, reject) => {
      const settle = (finish: () => void) => {
        if (this.pending.get(correlationId) !== entry) return;
        this.pending.delete(correlationId);
        clearTimeout(timer);
        finish();
      };
      const entry: Pending = {
        resolve: (reply) => settle(() => resolve(reply)),
        reject: (error) => settle(() => reject(error)),
      };
      this.pending.set(correlationId, entry);
      const timer = setTimeout(
        () => entry.reject(new ReplyDeadlineError(`no reply to ${correlationId} in time`)),
        Math.max(0, deadline - performance.now()),
      );
      // Rounded up: the receiver's deadline must never come before the sender's.
      const budgetMs = Math.ceil(deadline - performance.now());
      if (budgetMs <= 0) {
        entry.reject(new ReplyDeadlineError(`no time left to send ${correlationId}`));
        return;
      }
      const headers = {
        ...packet.headers,
        [OrderHeader.CorrelationId]: correlationId,
        [OrderHeader.ReplyTopic]: ORDER_REPLY_TOPIC,
        [OrderHeader.Budget]: String(budgetMs),
      };
      sends
        .send(topic, [{ key: packet.key, value: packet.value, headers }], budgetMs)
        .catch((error: unknown) => entry.reject(asError(error)));
    });
  }

  /**
   * Writes `messages` with acks=all. Resolves once every in-sync replica has them; rejects
   * when that is not known within `timeoutMs` (`AckTimeoutError`: they may still be written)
   * or cannot happen (`KafkaUnavailableError`, or the producer's error).
   */
  async publish(topic: string, messages: Message[], { timeoutMs }: { timeoutMs: number }) {
    const sends = this.sends;
    if (!this.connected || !sends) throw new KafkaUnavailableError('no producer connected');
    if (timeoutMs <= 0) throw new AckTimeoutError(`no time left to write to ${topic}`);
    // `timeout` bounds the broker's wait for its replicas; kafkajs's own retries are not
    // bounded by it, hence the timer.
    let timer: NodeJS.Timeout | undefined;
    const expired = new Promise<never>((_, reject) => {
      timer = setTimeout(
        () => reject(new AckTimeoutError(`${topic}: not acknowledged within ${timeoutMs} ms`)),
        timeoutMs,
      );
    });
    try {
      await Promise.race([sends.send(topic, messages, timeoutMs), expired]);
    } finally {
      clearTimeout(timer);
    }
  }

  private async open(): Promise<void> {
    const producer = createProducer(this.kafka);
    const consumer = this.kafka.consumer({
      groupId: gatewayReplyGroupId(this.options.instanceId),
      allowAutoTopicCreation: false,
      maxWaitTimeInMs: this.options.maxWaitTimeInMs,
      sessionTimeout: 10_000,
      heartbeatInterval: 1_000,
      // A crash ends this consumer, whatever the error: `lost` starts afresh, the same way for
      // every error, where kafkajs would restart on some and give up on others.
      retry: { restartOnFailure: () => Promise.resolve(false) },
    });
    this.producer = producer;
    this.sends = new SendQueue(producer);
    this.consumer = consumer;
    // Replies produced before the first fetch resolved the group's start offsets could be
    // skipped, so the client is ready only once it is fetching.
    const fetching = new Promise<void>((resolve, reject) => {
      consumer.on(consumer.events.FETCH, () => {
        this.fetchedAt = performance.now();
        this.stalledAtFetch = this.stalls.now();
        resolve();
      });
      consumer.on(consumer.events.CRASH, ({ payload }) => {
        reject(payload.error);
        this.lost(consumer, payload.error);
      });
    });
    fetching.catch(() => undefined);
    await producer.connect();
    await consumer.connect();
    await consumer.subscribe({ topic: ORDER_REPLY_TOPIC, fromBeginning: false });
    await consumer.run({
      // The group is this process's alone and starts at the end: a commit would only cost a
      // round trip to the coordinator for every fetch.
      autoCommit: false,
      eachMessage: ({ message }) => {
        this.deliver(message);
        return Promise.resolve();
      },
    });
    await fetching;
  }

  private lost(consumer: Consumer, error: Error): void {
    if (consumer !== this.consumer || !this.connected || this.closing.signal.aborted) return;
    this.logger.error(`reply consumer stopped: ${error.message}; reconnecting`);
    this.reconnecting ??= this.reconnect().finally(() => (this.reconnecting = undefined));
  }

  private async reconnect(): Promise<void> {
    for (let attempt = 0; !this.closing.signal.aborted; attempt++) {
      await this.teardown();
      const wait = Math.min(RECONNECT_FIRST_MS * 2 ** attempt, RECONNECT_LAST_MS);
      await sleep(wait, undefined, { signal: this.closing.signal }).catch(() => undefined);
      if (this.closing.signal.aborted) return;
      try {
        await this.open();
        this.logger.log(`reconnected after ${attempt + 1} attempt(s): replies are read again`);
        return;
      } catch (error) {
        this.logger.warn(`cannot reconnect to Kafka yet: ${asError(error).message}`);
      }
    }
  }

  private async teardown(): Promise<void> {
    const { consumer, producer } = this;
    this.consumer = undefined;
    this.producer = undefined;
    this.sends = undefined;
    this.fetchedAt = -Infinity;
    await Promise.allSettled([consumer?.disconnect(), producer?.disconnect()]);
  }

  /** Every gateway reads every reply: only those of its own pending requests matter here. */
  private deliver(message: KafkaMessage): void {
    const correlationId = message.headers?.[OrderHeader.CorrelationId]?.toString();
    const pending = correlationId === undefined ? undefined : this.pending.get(correlationId);
    if (!pending) return;
    try {
      pending.resolve(JSON.parse(message.value?.toString() ?? 'null') as unknown);
    } catch (error) {
      pending.reject(asError(error));
    }
  }
}

function asError(error: unknown): Error {
  return error instanceof Error ? error : new Error(String(error));
}
