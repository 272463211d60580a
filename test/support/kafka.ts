import { randomUUID } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { Kafka, logLevel } from 'kafkajs';
import { mendRequestQueue } from '@wix-pos-gateway/kafka';
import { required } from './processes';

// The tests' own clients wake their process no more often than the apps' do.
mendRequestQueue();

export function testKafka(brokers = required('KAFKA_BROKERS')): Kafka {
  return new Kafka({ brokers: brokers.split(','), logLevel: logLevel.NOTHING });
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

/**
 * Every message now in `topic`, read back from the broker (the run's, or `brokers`): keys,
 * values and headers as text.
 */
export function readTopic(topic: string, brokers?: string): Promise<string[]> {
  return readTopics([topic], brokers);
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
async function readTopics(topics: string[], brokers?: string): Promise<string[]> {
  const kafka = testKafka(brokers);
  const admin = kafka.admin();
  const remaining = new Map<string, number>();
  await admin.connect();
  try {
    for (const topic of topics) {
      for (const end of await admin.fetchTopicOffsets(topic)) {
        if (end.high !== end.low) remaining.set(`${topic}/${end.partition}`, Number(end.high));
      }
    }
  } finally {
    await admin.disconnect();
  }
  const seen: string[] = [];
  if (remaining.size === 0) return seen;

  const nonEmpty = [...new Set([...remaining.keys()].map((key) => key.replace(/\/\d+$/, '')))];
  const consumer = kafka.consumer({
    groupId: `test-reader-${randomUUID()}`,
    maxWaitTimeInMs: 100,
    // A crash fails the read: kafkajs would restart the consumer on a timer of its own, one
    // that `disconnect()` does not clear, and that kept a test process alive.
    retry: { retries: 5, restartOnFailure: () => Promise.resolve(false) },
  });
  let timer: NodeJS.Timeout | undefined;
  try {
    await consumer.connect();
    await consumer.subscribe({ topics: nonEmpty, fromBeginning: true });
    await new Promise<void>((resolve, reject) => {
      timer = setTimeout(
        () => reject(new Error(`could not read all of ${[...remaining.keys()].join(', ')}`)),
        60_000,
      );
      consumer.on(consumer.events.CRASH, ({ payload }) => reject(payload.error));
      consumer
        .run({
          eachBatch: async ({ batch }) => {
            for (const message of batch.messages) {
              const headers = Object.entries(message.headers ?? {}).map(
                ([k, v]) => `${k}=${String(v)}`,
              );
              seen.push(
                [message.key?.toString(), message.value?.toString(), ...headers].join('\n'),
              );
            }
            const end = remaining.get(`${batch.topic}/${batch.partition}`);
            if (end !== undefined && Number(batch.lastOffset()) + 1 >= end) {
              remaining.delete(`${batch.topic}/${batch.partition}`);
            }
            if (remaining.size === 0) resolve();
          },
        })
        .catch(reject);
    });
  } finally {
    clearTimeout(timer);
    // Also when it failed: a consumer left running keeps the test process alive.
    await consumer.disconnect();
  }
  return seen;
}
