import { Injectable, Logger, OnModuleDestroy, OnModuleInit } from '@nestjs/common';
import { randomBytes } from 'node:crypto';
import { Client } from 'pg';
import { WorkerConfig } from '../config';
import { MAPPINGS_CHANGED_CHANNEL, MappingCache } from './mapping-cache';

/** How often the listener's connection is checked, and how long a check may take. */
const PING_EVERY_MS = 5_000;
const PING_TIMEOUT_MS = 2_000;
/** How long after losing its connection the listener connects again. */
const RECONNECT_MS = 1_000;

/**
 * Keeps `MappingCache` live: one PostgreSQL connection of its own that `LISTEN`s to the mapping
 * table's trigger, checked every few seconds. Losing it turns the cache off until it is back.
 * With the embedded store (no `DATABASE_URL`) there is no listener and no cache.
 */
@Injectable()
export class MappingListener implements OnModuleInit, OnModuleDestroy {
  private readonly logger = new Logger('mappings');
  private client?: Client;
  private ping?: NodeJS.Timeout;
  private retry?: NodeJS.Timeout;
  private closed = false;
  /** This listener's own channel, for the notifications it sends itself. */
  private readonly echo = `item_mappings_echo_${randomBytes(6).toString('hex')}`;

  constructor(
    private readonly cache: MappingCache,
    private readonly config: WorkerConfig,
  ) {}

  onModuleInit(): void {
    if (this.config.database.url) void this.connect(this.config.database.url);
  }

  onModuleDestroy(): void {
    this.closed = true;
    clearTimeout(this.retry);
    const client = this.client;
    if (client) this.lost(client);
  }

  private async connect(url: string): Promise<void> {
    const client = new Client({
      connectionString: url,
      application_name: 'pos-worker mapping listener',
      connectionTimeoutMillis: PING_TIMEOUT_MS,
      query_timeout: PING_TIMEOUT_MS,
      keepAlive: true,
    });
    this.client = client;
    client.on('error', (error) => this.lost(client, error));
    client.on('end', () => this.lost(client));
    client.on('notification', ({ channel, payload }) => {
      if (channel === MAPPINGS_CHANGED_CHANNEL) this.cache.changed(payload ?? '*');
      else if (channel === this.echo) this.cache.heard();
    });
    try {
      await client.connect();
      await client.query(`LISTEN ${MAPPINGS_CHANGED_CHANNEL}; LISTEN ${this.echo}`);
    } catch (error) {
      this.lost(client, error);
      return;
    }
    if (this.client !== client) return;
    this.cache.started();
    // A notification to itself, not a bare round trip: it proves this very session listens
    // (behind a transaction pooler it would not, and the cache then stays off).
    this.ping = setInterval(() => {
      client
        .query(`SELECT pg_notify('${this.echo}', '')`)
        .catch((error: unknown) => this.lost(client, error));
    }, PING_EVERY_MS);
    this.ping.unref();
  }

  /** The connection broke, or is being closed: the cache stops answering at once. */
  private lost(client: Client, error?: unknown): void {
    if (this.client !== client) return;
    this.client = undefined;
    clearInterval(this.ping);
    this.cache.stopped();
    client.end().catch(() => undefined);
    if (this.closed) return;
    this.logger.warn({
      event: 'mappings.cache_off',
      why: error instanceof Error ? error.message : 'the connection closed',
      retryInMs: RECONNECT_MS,
    });
    this.retry = setTimeout(() => void this.connect(this.config.database.url!), RECONNECT_MS);
    this.retry.unref();
  }
}
