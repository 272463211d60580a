import { answersGroupId, orderAnswersTopic } from '@wix-pos-gateway/contracts';
import { Admin, Kafka } from 'kafkajs';
import { setTimeout as sleep } from 'node:timers/promises';

/** How long a sweep waits for the answers consumer to catch up before it tries again later. */
const CATCH_UP_MS = 3_000;

/**
 * The reconciler's proof that the ledger holds every answer a gateway could still have given
 * for orders it picked: the brand's answers group has committed, on every partition, past the
 * end the answers topic had when the proof started (docs/order-protocol.md).
 */
export class AnswersProof {
  private admin?: Admin;

  constructor(
    private readonly kafka: Kafka,
    private readonly brand: string,
  ) {}

  /** True once proven; false when the consumer did not catch up, or Kafka cannot be asked. */
  async prove(): Promise<boolean> {
    try {
      const admin = await this.connected();
      const topic = orderAnswersTopic(this.brand);
      const ends = await admin.fetchTopicOffsets(topic);
      const until = performance.now() + CATCH_UP_MS;
      for (;;) {
        const [group] = await admin.fetchOffsets({
          groupId: answersGroupId(this.brand),
          topics: [topic],
        });
        const committed = new Map(group?.partitions.map((p) => [p.partition, Number(p.offset)]));
        const caughtUp = ends.every(
          ({ partition, high, low }) =>
            Number(high) === Number(low) || (committed.get(partition) ?? -1) >= Number(high),
        );
        if (caughtUp) return true;
        if (performance.now() > until) return false;
        await sleep(200);
      }
    } catch {
      // A client whose connection broke (a broker restart) may stay broken: the next proof
      // starts from a new one.
      await this.close().catch(() => undefined);
      this.admin = undefined;
      return false;
    }
  }

  async close(): Promise<void> {
    await this.admin?.disconnect();
  }

  private async connected(): Promise<Admin> {
    if (!this.admin) {
      const admin = this.kafka.admin();
      await admin.connect();
      this.admin = admin;
    }
    return this.admin;
  }
}
