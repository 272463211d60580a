import { randomUUID } from 'node:crypto';
import { Kafka, logLevel } from 'kafkajs';
import { required } from './processes';

export function testKafka(): Kafka {
  return new Kafka({ brokers: required('KAFKA_BROKERS').split(','), logLevel: logLevel.NOTHING });
}

/** Every message now in `topic`, read back from the broker: keys, values and headers as text. */
export async function readTopic(topic: string): Promise<string[]> {
  const kafka = testKafka();
  const admin = kafka.admin();
  await admin.connect();
  const ends = await admin.fetchTopicOffsets(topic);
  await admin.disconnect();
  const remaining = new Map(
    ends.filter((end) => end.high !== end.low).map((end) => [end.partition, Number(end.high)]),
  );
  const seen: string[] = [];
  if (remaining.size === 0) return seen;

  const consumer = kafka.consumer({ groupId: `test-reader-${randomUUID()}`, maxWaitTimeInMs: 100 });
  await consumer.connect();
  await consumer.subscribe({ topic, fromBeginning: true });
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`could not read all of ${topic}`)), 20_000);
    consumer
      .run({
        eachMessage: async ({ partition, message }) => {
          const headers = Object.entries(message.headers ?? {}).map(
            ([k, v]) => `${k}=${String(v)}`,
          );
          seen.push([message.key?.toString(), message.value?.toString(), ...headers].join('\n'));
          if (Number(message.offset) + 1 >= (remaining.get(partition) ?? 0))
            remaining.delete(partition);
          if (remaining.size === 0) {
            clearTimeout(timer);
            resolve();
          }
        },
      })
      .catch(reject);
  });
  await consumer.disconnect();
  return seen;
}

/**
 * Every message of every topic on the broker — keys, values and headers as text — read back
 * with one consumer: what a backup of the broker would hold.
 */
export async function readAllTopics(): Promise<string[]> {
  const kafka = testKafka();
  const admin = kafka.admin();
  await admin.connect();
  const topics = await admin.listTopics();
  const remaining = new Map<string, number>();
  for (const topic of topics) {
    for (const end of await admin.fetchTopicOffsets(topic)) {
      if (end.high !== end.low) remaining.set(`${topic}/${end.partition}`, Number(end.high));
    }
  }
  await admin.disconnect();
  const seen: string[] = [];
  if (remaining.size === 0) return seen;

  const consumer = kafka.consumer({ groupId: `test-scan-${randomUUID()}`, maxWaitTimeInMs: 100 });
  await consumer.connect();
  await consumer.subscribe({
    topics: [...new Set([...remaining.keys()].map((k) => k.replace(/\/\d+$/, '')))],
    fromBeginning: true,
  });
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(
      () => reject(new Error(`could not read ${[...remaining.keys()].join(', ')}`)),
      60_000,
    );
    consumer
      .run({
        eachBatch: async ({ batch }) => {
          for (const message of batch.messages) {
            const headers = Object.entries(message.headers ?? {}).map(
              ([k, v]) => `${k}=${String(v)}`,
            );
            seen.push([message.key?.toString(), message.value?.toString(), ...headers].join('\n'));
          }
          const id = `${batch.topic}/${batch.partition}`;
          if (Number(batch.highWatermark) <= Number(batch.lastOffset()) + 1) remaining.delete(id);
          if (remaining.size === 0) {
            clearTimeout(timer);
            resolve();
          }
        },
      })
      .catch(reject);
  });
  await consumer.disconnect();
  return seen;
}
