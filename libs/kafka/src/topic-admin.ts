import { Admin, Kafka } from 'kafkajs';
import { setTimeout as sleep } from 'node:timers/promises';

export interface TopicSpec {
  topic: string;
  partitions: number;
  replicationFactor: number;
  retentionMs: number;
}

/**
 * Creates topics up front with a fixed partition count; an existing topic is left as it is.
 * Brokers run with `auto.create.topics.enable=false`, so nothing else creates them.
 */
export async function ensureTopics(kafka: Kafka, specs: TopicSpec[]): Promise<void> {
  const admin = kafka.admin();
  await admin.connect();
  try {
    const existing = new Set(await admin.listTopics());
    const missing = specs.filter((spec) => !existing.has(spec.topic));
    if (missing.length === 0) return;
    // kafkajs's own wait gives up on UNKNOWN_TOPIC_OR_PARTITION, which a KRaft broker answers
    // until the new topic's metadata reaches it; this one retries until every partition is led.
    await admin.createTopics({
      waitForLeaders: false,
      topics: missing.map((spec) => ({
        topic: spec.topic,
        numPartitions: spec.partitions,
        replicationFactor: spec.replicationFactor,
        configEntries: [{ name: 'retention.ms', value: String(spec.retentionMs) }],
      })),
    });
    await waitForLeaders(
      admin,
      missing.map((spec) => spec.topic),
    );
  } finally {
    await admin.disconnect();
  }
}

async function waitForLeaders(admin: Admin, topics: string[], timeoutMs = 15_000): Promise<void> {
  const until = Date.now() + timeoutMs;
  for (;;) {
    const metadata = await admin.fetchTopicMetadata({ topics }).catch(() => undefined);
    const led = metadata?.topics.every(
      (topic) => topic.partitions.length > 0 && topic.partitions.every((p) => p.leader >= 0),
    );
    if (led) return;
    if (Date.now() > until) throw new Error(`topics ${topics.join(', ')} have no leaders yet`);
    await sleep(100);
  }
}
