import {
  ORDER_REPLY_TOPIC,
  OrderHeader,
  SpiResponse,
  orderAnswersTopic,
  orderRequestTopic,
} from '@wix-pos-gateway/contracts';
import { ensureTopics, mendRequestQueue } from '@wix-pos-gateway/kafka';
import { randomUUID } from 'node:crypto';
import { Consumer, Kafka, Producer, logLevel } from 'kafkajs';

mendRequestQueue();

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
    await ensureTopics(kafka, [
      topic(orderRequestTopic(brand)),
      ...(answersTopic ? [topic(orderAnswersTopic(brand))] : []),
    ]);
    const producer = kafka.producer({ allowAutoTopicCreation: false });
    await producer.connect();
    const consumer = kafka.consumer({
      groupId: `fake-worker.${brand}.${randomUUID()}`,
      maxWaitTimeInMs: 50,
      // Killed with its broker, it stays down: kafkajs would restart it on a timer that
      // `disconnect()` does not clear, and keep the test process alive.
      retry: { restartOnFailure: () => Promise.resolve(false) },
    });
    const worker = new FakeWorker(consumer, producer);
    await consumer.connect();
    await consumer.subscribe({ topic: orderRequestTopic(brand), fromBeginning: true });
    const fetching = new Promise<void>((resolve) => {
      const stop = consumer.on(consumer.events.FETCH, () => {
        stop();
        resolve();
      });
    });
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
  }

  async stop(): Promise<void> {
    await Promise.allSettled([this.consumer.disconnect(), this.producer.disconnect()]);
  }
}
