import { Admin, ConfigResourceTypes, Kafka } from 'kafkajs';
import { setTimeout as sleep } from 'node:timers/promises';
import { TopicSetting, settingsToAlter } from './topic-overrides';

export interface TopicSpec {
  topic: string;
  partitions: number;
  /** `auto`: 3, or the cluster's brokers if fewer. */
  replicationFactor: number | 'auto';
  /** `min.insync.replicas`; `auto` or unset: 2 when replicated 3 times or more, else 1. */
  minInsyncReplicas?: number | 'auto';
  retentionMs: number;
  /** `max.message.bytes`; the broker's default (1 MB) when unset. */
  maxMessageBytes?: number;
}

/**
 * Creates topics up front with a fixed partition count. An existing topic keeps its partitions
 * but takes the configured retention and message size: the order topic carries sealed card
 * data, and a shortened retention must reach a topic created before. Only those settings are
 * ours: every other override on the topic is kept.
 * Brokers run with `auto.create.topics.enable=false`, so nothing else creates them.
 */
export async function ensureTopics(kafka: Kafka, specs: TopicSpec[]): Promise<void> {
  const admin = kafka.admin();
  await admin.connect();
  try {
    const existing = new Set(await admin.listTopics());
    const resolved = await resolveReplication(admin, specs, existing);
    await alignConfig(
      admin,
      resolved.filter((spec) => existing.has(spec.topic)),
    );
    const missing = resolved.filter((spec) => !existing.has(spec.topic));
    if (missing.length === 0) return;
    // kafkajs's own wait gives up on UNKNOWN_TOPIC_OR_PARTITION, which a KRaft broker answers
    // until the new topic's metadata reaches it; this one retries until every partition is led.
    await admin.createTopics({
      waitForLeaders: false,
      topics: missing.map((spec) => ({
        topic: spec.topic,
        numPartitions: spec.partitions,
        replicationFactor: spec.replicationFactor,
        configEntries: topicConfigOf(spec),
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

/**
 * Sets our settings on existing topics where one differs, sending back the topic's other
 * overrides with them. An override an operator makes between the describe and the alter is
 * lost; the window is a round trip, at start-up only.
 */
async function alignConfig(admin: Admin, specs: TopicSpec[]): Promise<void> {
  if (specs.length === 0) return;
  const { resources } = await admin.describeConfigs({
    includeSynonyms: false,
    resources: specs.map((spec) => ({ type: ConfigResourceTypes.TOPIC, name: spec.topic })),
  });
  const current = new Map(resources.map((r) => [r.resourceName, r.configEntries]));
  const changed = specs.flatMap((spec) => {
    const entries = settingsToAlter(spec.topic, current.get(spec.topic) ?? [], topicConfigOf(spec));
    return entries
      ? [{ type: ConfigResourceTypes.TOPIC, name: spec.topic, configEntries: entries }]
      : [];
  });
  if (changed.length === 0) return;
  await admin.alterConfigs({ validateOnly: false, resources: changed });
}

/**
 * A topic's own settings. Kafka deletes whole segments, and a segment only once its newest
 * message is past retention:
 * segments must roll as often as `retention.ms`, or a busy topic keeps messages for
 * `segment.ms` (7 days by default). A message then lives at most about twice the retention,
 * plus the broker's retention check interval.
 */
/**
 * `auto` replication as the cluster's size allows: 3 replicas, or one per broker when fewer,
 * and `min.insync.replicas` 2 from 3 replicas up, so one broker may be lost without a write
 * being refused or an acknowledged one being lost. A topic that exists keeps the replicas it
 * has, and its `min.insync.replicas` follows them, not the wish: more than it has would refuse
 * every write.
 */
async function resolveReplication(
  admin: Admin,
  specs: TopicSpec[],
  existing: ReadonlySet<string>,
): Promise<Array<TopicSpec & { replicationFactor: number }>> {
  const present = specs.filter((spec) => existing.has(spec.topic)).map((spec) => spec.topic);
  const replicas = new Map<string, number>();
  if (present.length > 0) {
    const { topics } = await admin.fetchTopicMetadata({ topics: present });
    for (const topic of topics) {
      replicas.set(topic.name, Math.min(...topic.partitions.map((p) => p.replicas.length)));
    }
  }
  const auto = specs.some((spec) => !existing.has(spec.topic) && spec.replicationFactor === 'auto');
  const brokers = auto ? (await admin.describeCluster()).brokers.length : 0;
  return specs.map((spec) => {
    const replicationFactor =
      replicas.get(spec.topic) ??
      (spec.replicationFactor === 'auto' ? Math.min(3, brokers) : spec.replicationFactor);
    const minInsyncReplicas =
      spec.minInsyncReplicas === undefined || spec.minInsyncReplicas === 'auto'
        ? replicationFactor >= 3
          ? 2
          : 1
        : spec.minInsyncReplicas;
    if (minInsyncReplicas > replicationFactor) {
      throw new Error(
        `topic ${spec.topic}: min.insync.replicas ${minInsyncReplicas} is more than its ${replicationFactor} replicas, which would refuse every write (KAFKA_MIN_INSYNC_REPLICAS)`,
      );
    }
    return { ...spec, replicationFactor, minInsyncReplicas };
  });
}

function topicConfigOf(spec: TopicSpec): TopicSetting[] {
  return [
    ...(typeof spec.minInsyncReplicas === 'number'
      ? [{ name: 'min.insync.replicas', value: String(spec.minInsyncReplicas) }]
      : []),
    { name: 'retention.ms', value: String(spec.retentionMs) },
    { name: 'segment.ms', value: String(spec.retentionMs) },
    ...(spec.maxMessageBytes
      ? [{ name: 'max.message.bytes', value: String(spec.maxMessageBytes) }]
      : []),
  ];
}
