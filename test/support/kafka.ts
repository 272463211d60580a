import { randomUUID } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { Kafka, logLevel } from 'kafkajs';
import { mendRequestQueue } from '@wix-pos-gateway/kafka';
import { required } from './processes';

// The tests' own clients wake their process no more often than the apps' do.
mendRequestQueue();

export function testKafka(): Kafka {
  return new Kafka({ brokers: required('KAFKA_BROKERS').split(','), logLevel: logLevel.NOTHING });
}

/**
 * Waits until a fresh broker serves consumer groups. Its first group lookup creates the offsets
 * topic, whose partitions then load for a moment: a gateway joining its reply group meanwhile
 * stops at boot ("The coordinator is loading…"), a worker's consumer restarts.
 */
export async function groupsServed(brokers: string, withinMs = 30_000): Promise<void> {
  const kafka = new Kafka({ brokers: brokers.split(','), logLevel: logLevel.NOTHING });
  const admin = kafka.admin();
  await admin.connect();
  try {
    for (const until = Date.now() + withinMs; ; await sleep(200)) {
      const served = await admin.fetchOffsets({ groupId: 'tests-warm-up' }).then(
        () => true,
        (error: unknown) => {
          if (Date.now() > until) throw error;
          return false;
        },
      );
      if (served) return;
    }
  } finally {
    await admin.disconnect();
  }
}

/** Every message now in `topic`, read back from the broker: keys, values and headers as text. */
export function readTopic(topic: string): Promise<string[]> {
  return readTopics([topic]);
}

/** Every message of every topic on the broker: what a backup of the broker would hold. */
export async function readAllTopics(): Promise<string[]> {
  const admin = testKafka().admin();
  await admin.connect();
  const topics = await admin.listTopics();
  await admin.disconnect();
  return readTopics(topics);
}

/** Reads the topics from the beginning to their current ends with one consumer. */
async function readTopics(topics: string[]): Promise<string[]> {
  const kafka = testKafka();
  const admin = kafka.admin();
  await admin.connect();
  const remaining = new Map<string, number>();
  for (const topic of topics) {
    for (const end of await admin.fetchTopicOffsets(topic)) {
      if (end.high !== end.low) remaining.set(`${topic}/${end.partition}`, Number(end.high));
    }
  }
  await admin.disconnect();
  const seen: string[] = [];
  if (remaining.size === 0) return seen;

  const nonEmpty = [...new Set([...remaining.keys()].map((key) => key.replace(/\/\d+$/, '')))];
  const consumer = kafka.consumer({ groupId: `test-reader-${randomUUID()}`, maxWaitTimeInMs: 100 });
  await consumer.connect();
  await consumer.subscribe({ topics: nonEmpty, fromBeginning: true });
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(
      () => reject(new Error(`could not read all of ${[...remaining.keys()].join(', ')}`)),
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
          const end = remaining.get(`${batch.topic}/${batch.partition}`);
          if (end !== undefined && Number(batch.lastOffset()) + 1 >= end) {
            remaining.delete(`${batch.topic}/${batch.partition}`);
          }
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
