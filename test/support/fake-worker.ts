import {
  ORDER_REPLY_TOPIC,
  OrderHeader,
  SpiResponse,
  orderAnswersTopic,
  orderRequestTopic,
} from '@wix-pos-gateway/contracts';
import { ensureTopics, mendRequestQueue } from '@wix-pos-gateway/kafka';
import { randomUUID } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { Consumer, Kafka, Producer, logLevel } from 'kafkajs';

mendRequestQueue();

/** How long a start is tried again, and how long one try waits for its consumer's first fetch. */
const START_BUDGET_MS = 60_000;
const FIRST_FETCH_MS = 20_000;

export interface SeenRequest {
  correlationId: string;
  wixOrderId: string;
  budgetMs: number;
}

type Order = { id: string; restaurantId: string };

/**
 * A stand-in for a brand's workers, in the test process: reads the brand's request topic and
 * replies on the reply topic as `answer` says, over real Kafka. For tests of the gateway alone.
 */
export class FakeWorker {
  readonly seen: SeenRequest[] = [];

  private constructor(
    private readonly consumer: Consumer,
    private readonly producer: Producer,
  ) {}

  /**
   * Creates the brand's request topic (and its answers topic, unless told not to), and answers
   * each order with `answer(order)`.
   */
  static async start(
    brokers: string,
    brand: string,
    answer: (order: Order) => SpiResponse,
    { answersTopic = true } = {},
  ): Promise<FakeWorker> {
    const kafka = new Kafka({
      clientId: `fake-worker-${brand}`,
      brokers: brokers.split(','),
      logLevel: logLevel.NOTHING,
    });
    const topic = (name: string) => ({
      topic: name,
      partitions: 2,
      replicationFactor: 1,
      retentionMs: 86_400_000,
    });
    const topics = [
      topic(orderRequestTopic(brand)),
      ...(answersTopic ? [topic(orderAnswersTopic(brand))] : []),
    ];
    // A broker just started may not have loaded its group coordinator yet: the consumer's join
    // then fails, and it stays down (it is not restarted, below). Such a start is tried again.
    for (const giveUpAt = performance.now() + START_BUDGET_MS; ;) {
      try {
        await ensureTopics(kafka, topics);
        return await FakeWorker.open(kafka, brand, answer);
      } catch (error) {
        if (performance.now() > giveUpAt) throw error;
        await sleep(500);
      }
    }
  }

  /** A worker whose consumer has fetched once, or the failure of its first try. */
  private static async open(
    kafka: Kafka,
    brand: string,
    answer: (order: Order) => SpiResponse,
  ): Promise<FakeWorker> {
    const producer = kafka.producer({ allowAutoTopicCreation: false });
    const consumer = kafka.consumer({
      groupId: `fake-worker.${brand}.${randomUUID()}`,
      maxWaitTimeInMs: 50,
      // Killed with its broker, it stays down: kafkajs would restart it on a timer that
      // `disconnect()` does not clear, and keep the test process alive.
      retry: { restartOnFailure: () => Promise.resolve(false) },
    });
    const worker = new FakeWorker(consumer, producer);
    const timer = new AbortController();
    const listeners: (() => void)[] = [];
    try {
      await producer.connect();
      await consumer.connect();
      await consumer.subscribe({ topic: orderRequestTopic(brand), fromBeginning: true });
      const fetching = new Promise<void>((resolve, reject) => {
        listeners.push(
          consumer.on(consumer.events.FETCH, () => resolve()),
          consumer.on(consumer.events.CRASH, ({ payload }) => reject(payload.error)),
        );
        sleep(FIRST_FETCH_MS, undefined, { signal: timer.signal }).then(
          () => reject(new Error(`no fetch within ${FIRST_FETCH_MS} ms`)),
          () => undefined,
        );
      });
      // Awaited below, once the consumer runs; a failure before that is not unhandled.
      fetching.catch(() => undefined);
      await consumer.run({
        eachMessage: async ({ message }) => {
          const header = (name: string) => message.headers?.[name]?.toString() ?? '';
          const order = (JSON.parse(message.value?.toString() ?? '{}') as { order: Order }).order;
          const correlationId = header(OrderHeader.CorrelationId);
          worker.seen.push({
            correlationId,
            wixOrderId: order.id,
            budgetMs: Number(header(OrderHeader.Budget)),
          });
          await producer.send({
            topic: header(OrderHeader.ReplyTopic) || ORDER_REPLY_TOPIC,
            messages: [
              {
                key: correlationId,
                value: JSON.stringify(answer(order)),
                headers: { [OrderHeader.CorrelationId]: correlationId },
              },
            ],
          });
        },
      });
      await fetching;
      return worker;
    } catch (error) {
      await worker.stop();
      throw error;
    } finally {
      timer.abort();
      for (const stop of listeners) stop();
    }
  }

  async stop(): Promise<void> {
    await Promise.allSettled([this.consumer.disconnect(), this.producer.disconnect()]);
  }
}
