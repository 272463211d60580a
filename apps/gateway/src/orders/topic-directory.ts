import { Injectable, OnApplicationShutdown } from '@nestjs/common';
import { Admin, Kafka } from 'kafkajs';

/**
 * Which topics exist, so that an order for a brand no worker has ever served is answered at
 * once instead of after the deadline. Known topics are cached; a miss asks the broker again
 * at most once per `refreshMs`.
 */
@Injectable()
export class TopicDirectory implements OnApplicationShutdown {
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

  async has(topic: string): Promise<boolean> {
    if (this.known.has(topic)) return true;
    if (Date.now() - this.refreshedAt >= this.refreshMs) await this.refresh();
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
        this.refreshedAt = Date.now();
      })
      .finally(() => (this.refreshing = undefined));
    return this.refreshing;
  }
}
