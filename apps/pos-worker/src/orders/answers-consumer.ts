import { Logger } from '@nestjs/common';
import {
  OrderAnswer,
  answersGroupId,
  decodeOrderAnswer,
  orderAnswersTopic,
} from '@wix-pos-gateway/contracts';
import { Consumer, EachBatchPayload, Kafka } from 'kafkajs';
import { setTimeout as sleep } from 'node:timers/promises';
import { OrderLedger } from '../ledger/order-ledger';

const RETRY_MS = 500;

/**
 * Reads the brand's answers topic into the ledger, in the brand's answers group. Offsets are
 * committed only once a batch is in the ledger: the reconciler's proof that no decision is
 * still on its way rests on that.
 */
export class AnswersConsumer {
  private readonly logger = new Logger('answers');
  private consumer?: Consumer;

  constructor(
    private readonly kafka: Kafka,
    private readonly ledger: OrderLedger,
    private readonly brand: string,
    private readonly settings: { maxWaitTimeInMs: number; sessionTimeoutMs: number },
    /** Called with the orders whose answers were withdrawn, once recorded. */
    private readonly withdrawn: (wixOrderIds: string[]) => Promise<void>,
  ) {}

  async start(crashed: (error: Error) => void): Promise<void> {
    const { maxWaitTimeInMs, sessionTimeoutMs } = this.settings;
    const consumer = this.kafka.consumer({
      groupId: answersGroupId(this.brand),
      allowAutoTopicCreation: false,
      maxWaitTimeInMs,
      sessionTimeout: sessionTimeoutMs,
      heartbeatInterval: Math.max(500, Math.floor(sessionTimeoutMs / 10)),
    });
    this.consumer = consumer;
    consumer.on(consumer.events.CRASH, ({ payload }) => {
      if (payload.restart) {
        this.logger.warn(`answers consumer crashed: ${payload.error.message}; kafkajs restarts it`);
        return;
      }
      this.logger.error(`answers consumer crashed: ${payload.error.message}`);
      crashed(payload.error);
    });
    await consumer.connect();
    await consumer.subscribe({ topic: orderAnswersTopic(this.brand), fromBeginning: true });
    await consumer.run({
      autoCommit: false,
      eachBatchAutoResolve: false,
      eachBatch: (payload) => this.record(payload),
    });
  }

  async close(): Promise<void> {
    await this.consumer?.disconnect();
  }

  private async record(payload: EachBatchPayload): Promise<void> {
    const { batch } = payload;
    if (batch.messages.length === 0) return;
    const answers = batch.messages
      .map((message) => decodeOrderAnswer(message.value))
      .filter((answer): answer is OrderAnswer => answer !== undefined);
    while (payload.isRunning() && !payload.isStale()) {
      try {
        await this.ledger.recordAnswers(this.brand, answers);
        break;
      } catch (error) {
        this.logger.warn(`answers not recorded yet: ${String(error)}`);
        await payload.heartbeat().catch(() => undefined);
        await sleep(RETRY_MS);
      }
    }
    if (!payload.isRunning() || payload.isStale()) return;
    const withdrawn = answers.filter((a) => a.kind === 'withdrawn').map((a) => a.wixOrderId);
    if (withdrawn.length > 0) {
      await this.withdrawn(withdrawn).catch((error: unknown) =>
        this.logger.warn(`withdrawn answers not judged: ${String(error)}`),
      );
    }
    payload.resolveOffset(batch.lastOffset());
    await payload.commitOffsetsIfNecessary({
      topics: [
        {
          topic: batch.topic,
          partitions: [
            { partition: batch.partition, offset: String(Number(batch.lastOffset()) + 1) },
          ],
        },
      ],
    });
    await payload.heartbeat();
  }
}
