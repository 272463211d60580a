import { Injectable, Logger, OnApplicationShutdown } from '@nestjs/common';
import { Admin, Kafka } from 'kafkajs';

/**
 * Which topics exist, so that an order for a brand no worker has ever served is answered at
 * once instead of after the deadline. Known topics are cached; a miss asks the broker again
 * at most once per `refreshMs`.
 */
@Injectable()
export class TopicDirectory implements OnApplicationShutdown {
  private readonly logger = new Logger(TopicDirectory.name);
  private readonly admin: Admin;
  private known = new Set<string>();
  private refreshedAt = 0;
  private refreshing?: Promise<void>;

  constructor(
    kafka: Kafka,
    private readonly refreshMs = 1_000,
  ) {
    this.admin = kafka.admin();
  }

  async connect(): Promise<void> {
    await this.admin.connect();
    await this.refresh();
  }

  /**
   * Asks the broker again on a miss, waiting for it at most `waitMs` (a call's deadline is not
   * kafkajs's request timeout); answers from what it knows when the broker does not answer.
   */
  async has(topic: string, waitMs: number): Promise<boolean> {
    if (this.known.has(topic)) return true;
    if (Date.now() - this.refreshedAt >= this.refreshMs) {
      const refreshed = this.refresh().catch((error: unknown) =>
        this.logger.warn(
          `cannot list topics: ${error instanceof Error ? error.message : String(error)}`,
        ),
      );
      let timer: NodeJS.Timeout | undefined;
      const waited = new Promise<void>((done) => (timer = setTimeout(done, Math.max(0, waitMs))));
      await Promise.race([refreshed, waited]).finally(() => clearTimeout(timer));
    }
    return this.known.has(topic);
  }

  /** Whether the topic was seen, without asking the broker. */
  knows(topic: string): boolean {
    return this.known.has(topic);
  }

  async onApplicationShutdown(): Promise<void> {
    await this.admin.disconnect();
  }

  private refresh(): Promise<void> {
    this.refreshing ??= this.admin
      .listTopics()
      .then((topics) => {
        this.known = new Set(topics);
      })
      .finally(() => {
        this.refreshedAt = Date.now();
        this.refreshing = undefined;
      });
    return this.refreshing;
  }
}
