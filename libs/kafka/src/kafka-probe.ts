import { Admin, Kafka, logLevel } from 'kafkajs';
import { KafkaSecurity } from './kafka-client';
import { mendRequestQueue } from './request-queue-timer';

/** How long one answer of the probe stands: health checks may come often. */
const FRESH_MS = 1_000;

/**
 * Whether the brokers answer now: a metadata request with no retries and short timeouts, so a
 * stopped broker shows within seconds instead of after kafkajs's reconnect attempts.
 */
export class KafkaProbe {
  private readonly admin: Admin;
  private connected = false;
  private last?: { at: number; up: Promise<boolean> };

  constructor(brokers: string[], clientId: string, security: KafkaSecurity = {}) {
    mendRequestQueue();
    this.admin = new Kafka({
      clientId: `${clientId}-probe`,
      brokers,
      ...security,
      connectionTimeout: 1_000,
      requestTimeout: 1_500,
      retry: { retries: 0 },
      logLevel: logLevel.NOTHING,
    }).admin();
  }

  up(): Promise<boolean> {
    if (this.last && Date.now() - this.last.at < FRESH_MS) return this.last.up;
    this.last = { at: Date.now(), up: this.ask() };
    return this.last.up;
  }

  async close(): Promise<void> {
    await this.admin.disconnect().catch(() => undefined);
  }

  private async ask(): Promise<boolean> {
    try {
      if (!this.connected) await this.admin.connect();
      this.connected = true;
      await this.admin.describeCluster();
      return true;
    } catch {
      this.connected = false;
      await this.admin.disconnect().catch(() => undefined);
      return false;
    }
  }
}
