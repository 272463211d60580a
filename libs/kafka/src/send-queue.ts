import { setTimeout as sleep } from 'node:timers/promises';
import { Message, Producer } from 'kafkajs';

/** What one produce request carries at most: order topics take 16 MB, the others 1 MB. */
const BATCH_BYTES = 512 * 1024;
/** Waits before sending a failed batch again: doubles from the first to the last. */
const RETRY_FIRST_MS = 100;
const RETRY_LAST_MS = 1_000;

interface Queued {
  topic: string;
  messages: Message[];
  bytes: number;
  timeoutMs: number;
  resolve: () => void;
  reject: (error: unknown) => void;
}

/**
 * Writes with acks=all what callers hand it within one turn of the event loop as one produce
 * request (a kafkajs `send` is a request of its own): at many orders a second, the broker and
 * both clients handle one request for several. A batch stays under `BATCH_BYTES`, so that
 * messages that fit their topic alone never fail for sharing a request; a larger message goes
 * alone. Every caller hears the outcome of the request that carried its messages.
 *
 * A batch that fails for a reason that may pass (a leader moved, a broker went away) is sent
 * again whole, after the producer refreshed its metadata, until its longest timeout: never a
 * part of it (see `createProducer`). A message written by the failed attempt may be written
 * twice; every reader takes duplicates, by correlation id or by Wix order.
 */
export class SendQueue {
  private queue: Queued[] = [];
  private scheduled = false;

  constructor(private readonly producer: Producer) {}

  send(topic: string, messages: Message[], timeoutMs: number): Promise<void> {
    return new Promise<void>((resolve, reject) => {
      const bytes = messages.reduce((sum, m) => sum + sizeOf(m.value) + sizeOf(m.key), 0);
      this.queue.push({ topic, messages, bytes, timeoutMs, resolve, reject });
      if (!this.scheduled) {
        this.scheduled = true;
        setImmediate(() => this.flush());
      }
    });
  }

  private flush(): void {
    this.scheduled = false;
    const queued = this.queue;
    this.queue = [];
    for (const batch of batches(queued)) this.write(batch);
  }

  private write(batch: Queued[]): void {
    const byTopic = new Map<string, Message[]>();
    for (const { topic, messages } of batch) {
      byTopic.set(topic, [...(byTopic.get(topic) ?? []), ...messages]);
    }
    const topicMessages = [...byTopic].map(([topic, messages]) => ({ topic, messages }));
    const giveUpAt = performance.now() + Math.max(...batch.map((q) => q.timeoutMs));
    const attempt = async (): Promise<void> => {
      for (let wait = RETRY_FIRST_MS; ; wait = Math.min(wait * 2, RETRY_LAST_MS)) {
        try {
          await this.producer.sendBatch({
            acks: -1,
            timeout: Math.max(1, Math.ceil(giveUpAt - performance.now())),
            topicMessages,
          });
          return;
        } catch (error) {
          if (!mayPass(error) || performance.now() + wait >= giveUpAt) throw error;
          await sleep(wait);
        }
      }
    };
    attempt().then(
      () => batch.forEach((q) => q.resolve()),
      (error: unknown) => batch.forEach((q) => q.reject(error)),
    );
  }
}

/**
 * A failure that another attempt may not meet: kafkajs, which makes one attempt here, reports a
 * retriable one as "number of retries exceeded", after refreshing its metadata.
 */
function mayPass(error: unknown): boolean {
  return error instanceof Error && error.name === 'KafkaJSNumberOfRetriesExceeded';
}

function* batches(queued: Queued[]): Generator<Queued[]> {
  let batch: Queued[] = [];
  let bytes = 0;
  for (const q of queued) {
    if (batch.length > 0 && bytes + q.bytes > BATCH_BYTES) {
      yield batch;
      batch = [];
      bytes = 0;
    }
    batch.push(q);
    bytes += q.bytes;
  }
  if (batch.length > 0) yield batch;
}

function sizeOf(value: Message['value'] | Message['key']): number {
  if (value === null || value === undefined) return 0;
  return typeof value === 'string' ? Buffer.byteLength(value) : value.length;
}
