import { Message, Producer } from 'kafkajs';

/** What one produce request carries at most: order topics take 16 MB, the others 1 MB. */
const BATCH_BYTES = 512 * 1024;

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
    this.producer
      .sendBatch({
        acks: -1,
        timeout: Math.ceil(Math.max(...batch.map((q) => q.timeoutMs))),
        topicMessages: [...byTopic].map(([topic, messages]) => ({ topic, messages })),
      })
      .then(
        () => batch.forEach((q) => q.resolve()),
        (error: unknown) => batch.forEach((q) => q.reject(error)),
      );
  }
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
