import { Logger } from '@nestjs/common';
import {
  OrderAnswer,
  answersGroupId,
  decodeOrderAnswer,
  orderAnswersTopic,
} from '@wix-pos-gateway/contracts';
import { runConsumer } from '@wix-pos-gateway/kafka';
import { Consumer, EachBatchPayload, Kafka } from 'kafkajs';
import { setTimeout as sleep } from 'node:timers/promises';
import { OrderLedger } from '../ledger/order-ledger';

const RETRY_MS = 500;
/** A consumer with partitions that has not fetched for this long is replaced by a new one. */
const STALL_MS = 15_000;
const WATCH_EVERY_MS = 2_000;
/** More than a brand's partitions (`REQUEST_TOPIC_PARTITIONS`, 12 by default) are likely to be. */
const CONCURRENT_PARTITIONS = 64;
/**
 * Answers in one ledger statement at most, about what a partition's 1 MB batch holds: a round
 * holds a whole fetch, up to 10 MB.
 */
const RECORD_ROWS = 5_000;

/**
 * Answers are read in batches, not as they come: a fetch returns once this much has gathered,
 * or after `maxWaitTimeInMs` (`ANSWERS_FETCH_WAIT_MS` in a worker). A fetch, a ledger statement
 * and an offset commit then serve many orders' `decided` and `written` records, which merge
 * into one row each. Nothing waits on them but the reconciler, which sweeps every few seconds.
 */
export const ANSWERS_FETCH_MIN_BYTES = 1024 * 1024;
export const ANSWERS_FETCH_WAIT_MS = 250;

/** The orders of one round's `withdrawn` records and `written` marks, by kind. */
export interface MarkedOrders {
  withdrawn: string[];
  written: string[];
}

/**
 * Reads the brand's answers topic into the ledger, in the brand's answers group. Offsets are
 * committed only once a batch is in the ledger: the reconciler's proof that no decision is
 * still on its way rests on that. A consumer that holds partitions but stops fetching (kafkajs
 * can stall so after a broker restart, without crashing) would hold that proof back for every
 * worker of the brand: it is replaced by a new one. So is one kafkajs ended for good (after
 * errors a broker outage gives, such as "Failed to find group coordinator").
 */
export class AnswersConsumer {
  private readonly logger = new Logger('answers');
  private consumer?: Consumer;
  private watch?: NodeJS.Timeout;
  private replacing = false;
  /** kafkajs ended the current consumer for good, or a new one failed to start. */
  private ended = false;
  private closed = false;
  /** `performance.now()` of the current consumer's last fetch, or undefined without partitions. */
  private fetchedAt?: number;
  /** The batches of the fetch being handed over, settled together in the next turn. */
  private round?: EachBatchPayload[] & { done: Promise<void> };

  constructor(
    private readonly kafka: Kafka,
    private readonly ledger: OrderLedger,
    private readonly brand: string,
    private readonly settings: {
      maxWaitTimeInMs: number;
      /** What a fetch waits for, up to `maxWaitTimeInMs`; kafkajs's default is 1 byte. */
      minBytes?: number;
      sessionTimeoutMs: number;
      /** How long without a fetch is a stall (tests shorten it). */
      stallMs?: number;
    },
    /** Called with the orders whose answers were withdrawn or marked written, once recorded. */
    private readonly marked: (marks: MarkedOrders) => Promise<void>,
  ) {}

  async start(): Promise<void> {
    await this.open();
    const stallMs = this.settings.stallMs ?? STALL_MS;
    this.watch = setInterval(
      () => void this.watchOver(stallMs),
      Math.min(WATCH_EVERY_MS, stallMs / 2),
    );
    this.watch.unref();
  }

  async close(): Promise<void> {
    this.closed = true;
    clearInterval(this.watch);
    await this.consumer?.disconnect();
  }

  private async open(): Promise<void> {
    const { maxWaitTimeInMs, minBytes, sessionTimeoutMs } = this.settings;
    const topic = orderAnswersTopic(this.brand);
    const consumer = this.kafka.consumer({
      groupId: answersGroupId(this.brand),
      allowAutoTopicCreation: false,
      maxWaitTimeInMs,
      ...(minBytes === undefined ? {} : { minBytes }),
      sessionTimeout: sessionTimeoutMs,
      heartbeatInterval: Math.max(500, Math.floor(sessionTimeoutMs / 10)),
    });
    this.consumer = consumer;
    // It holds nothing until it joins: replacing it before then would only restart the join.
    this.fetchedAt = undefined;
    const current = () => this.consumer === consumer;
    consumer.on(consumer.events.FETCH_START, () => {
      if (current() && this.fetchedAt !== undefined) this.fetchedAt = performance.now();
    });
    consumer.on(consumer.events.GROUP_JOIN, ({ payload }) => {
      if (!current()) return;
      const partitions = payload.memberAssignment[topic] ?? [];
      this.fetchedAt = partitions.length > 0 ? performance.now() : undefined;
    });
    consumer.on(consumer.events.CRASH, ({ payload }) => {
      if (!current()) return;
      if (payload.restart) {
        this.logger.warn(`answers consumer crashed: ${payload.error.message}; kafkajs restarts it`);
        // It holds nothing until it joins again: replacing it meanwhile would leave kafkajs's
        // restart running beside the new one.
        this.fetchedAt = undefined;
        return;
      }
      this.logger.error(`answers consumer crashed: ${payload.error.message}; starting a new one`);
      this.ended = true;
      void this.replace();
    });
    await runConsumer(consumer, topic, {
      autoCommit: false,
      eachBatchAutoResolve: false,
      // The batches of a fetch at once, so that they meet in one round (see `record`).
      partitionsConsumedConcurrently: CONCURRENT_PARTITIONS,
      eachBatch: (payload) => this.record(payload),
    }).catch((error: unknown) => {
      if (this.consumer === consumer) this.consumer = undefined;
      throw error;
    });
    // Closed while it started: kafkajs would let it join anyway.
    if (this.closed) await consumer.disconnect();
  }

  /** Replaces a consumer that ended, or that holds partitions and stalled. */
  private async watchOver(stallMs: number): Promise<void> {
    if (this.ended) return this.replace('not running');
    const since = this.fetchedAt;
    if (since === undefined || performance.now() - since < stallMs) return;
    await this.replace(`fetched nothing for ${Math.round(performance.now() - since)} ms`);
  }

  private async replace(why?: string): Promise<void> {
    if (this.replacing || this.closed) return;
    this.replacing = true;
    if (why) this.logger.warn(`answers consumer ${why}; starting a new one`);
    const old = this.consumer;
    try {
      await Promise.race([old?.disconnect(), sleep(5_000)]).catch(() => undefined);
      this.ended = false;
      if (!this.closed) await this.open();
    } catch (error) {
      // The watch tries again.
      this.ended = true;
      this.logger.warn(`answers consumer not started again yet: ${String(error)}`);
    } finally {
      this.replacing = false;
    }
  }

  /**
   * Takes one partition's batch into the current round. kafkajs hands the batches of a fetch
   * to its workers in one turn, so they meet in one round: recorded together and committed
   * with one request.
   */
  private record(payload: EachBatchPayload): Promise<void> {
    const round = (this.round ??= this.nextRound());
    round.push(payload);
    return round.done;
  }

  private nextRound(): EachBatchPayload[] & { done: Promise<void> } {
    const payloads: EachBatchPayload[] = [];
    const done = new Promise<void>((resolve, reject) =>
      setImmediate(() => {
        this.round = undefined;
        this.settle(payloads).then(resolve, reject);
      }),
    );
    return Object.assign(payloads, { done });
  }

  private async settle(payloads: EachBatchPayload[]): Promise<void> {
    const batches = payloads.map((payload) => ({
      payload,
      answers: payload.batch.messages
        .map((message) => decodeOrderAnswer(message.value))
        .filter((answer): answer is OrderAnswer => answer !== undefined),
    }));
    // A batch goes stale when kafkajs is to read its partition again from elsewhere (a seek,
    // a new assignment): it is recorded, harmlessly, but neither resolved nor committed.
    const held = () => batches.filter(({ payload }) => payload.isRunning() && !payload.isStale());
    const answers = batches.flatMap((batch) => batch.answers);
    for (let from = 0; from < answers.length; from += RECORD_ROWS) {
      await this.recordRetrying(answers.slice(from, from + RECORD_ROWS), held);
    }
    const still = held();
    if (still.length === 0) return;
    const kept = still.flatMap((batch) => batch.answers);
    const idsOf = (kind: OrderAnswer['kind']) =>
      kept.filter((a) => a.kind === kind).map((a) => a.wixOrderId);
    const marked: MarkedOrders = { withdrawn: idsOf('withdrawn'), written: idsOf('written') };
    if (marked.withdrawn.length + marked.written.length > 0) {
      await this.marked(marked).catch((error: unknown) =>
        this.logger.warn(`withdrawn or written answers not judged: ${String(error)}`),
      );
    }
    const [{ payload: first }] = still;
    await first.commitOffsetsIfNecessary({
      topics: [
        {
          topic: first.batch.topic,
          partitions: still.map(({ payload: { batch } }) => ({
            partition: batch.partition,
            offset: String(Number(batch.lastOffset()) + 1),
          })),
        },
      ],
    });
    // Resolved once committed: after a failed commit the same batches are read again.
    for (const { payload } of still) payload.resolveOffset(payload.batch.lastOffset());
    await first.heartbeat();
  }

  private async recordRetrying(
    answers: OrderAnswer[],
    held: () => { payload: EachBatchPayload }[],
  ): Promise<void> {
    while (held().length > 0) {
      try {
        await this.ledger.recordAnswers(this.brand, answers);
        return;
      } catch (error) {
        this.logger.warn(`answers not recorded yet: ${String(error)}`);
        // Waiting for the ledger is not a stall.
        if (this.fetchedAt !== undefined) this.fetchedAt = performance.now();
        await held()[0]
          ?.payload.heartbeat()
          .catch(() => undefined);
        await sleep(RETRY_MS);
      }
    }
  }
}
