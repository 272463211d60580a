import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { describe, it } from 'node:test';
import { TopicSpec, ensureTopics } from '@wix-pos-gateway/kafka';
import { Admin, ConfigResourceTypes, ConfigSource, Kafka } from 'kafkajs';
import { testKafka } from './support/kafka';

/** The topic's own overrides, as `kafka-configs --describe` lists them. */
async function overridesOf(admin: Admin, topic: string): Promise<Record<string, string>> {
  const { resources } = await admin.describeConfigs({
    includeSynonyms: false,
    resources: [{ type: ConfigResourceTypes.TOPIC, name: topic }],
  });
  return Object.fromEntries(
    (resources[0]?.configEntries ?? [])
      .filter((entry) => entry.configSource === ConfigSource.TOPIC_CONFIG)
      .map((entry) => [entry.configName, entry.configValue]),
  );
}

/** A client whose admins count their `alterConfigs` calls. */
function countingAlters(kafka: Kafka): { kafka: Kafka; alters: () => number } {
  let alters = 0;
  const admin = kafka.admin.bind(kafka);
  kafka.admin = (config) => {
    const created = admin(config);
    const alter = created.alterConfigs.bind(created);
    created.alterConfigs = (request) => {
      alters += 1;
      return alter(request);
    };
    return created;
  };
  return { kafka, alters: () => alters };
}

describe('topic settings', () => {
  it('sets only the keys it owns, keeping what an operator set on the topic', async () => {
    const topic = `test.topic-settings.${randomUUID()}`;
    const spec: TopicSpec = {
      topic,
      partitions: 1,
      replicationFactor: 1,
      retentionMs: 3_600_000,
      maxMessageBytes: 2_000_000,
    };
    await ensureTopics(testKafka(), [spec]);

    const admin = testKafka().admin();
    await admin.connect();
    try {
      // An operator's change by hand; alterConfigs replaces every override, ours included.
      await admin.alterConfigs({
        validateOnly: false,
        resources: [
          {
            type: ConfigResourceTypes.TOPIC,
            name: topic,
            configEntries: [
              { name: 'min.insync.replicas', value: '1' },
              { name: 'retention.bytes', value: '1073741824' },
              { name: 'retention.ms', value: '999999' },
            ],
          },
        ],
      });
      assert.deepEqual(await overridesOf(admin, topic), {
        'min.insync.replicas': '1',
        'retention.bytes': '1073741824',
        'retention.ms': '999999',
      });

      const counted = countingAlters(testKafka());
      await ensureTopics(counted.kafka, [spec]);
      const expected = {
        'max.message.bytes': '2000000',
        'min.insync.replicas': '1',
        'retention.bytes': '1073741824',
        'retention.ms': '3600000',
        'segment.ms': '3600000',
      };
      assert.deepEqual(await overridesOf(admin, topic), expected);
      assert.equal(counted.alters(), 1);

      await ensureTopics(counted.kafka, [spec]);
      assert.equal(counted.alters(), 1, 'altered although every setting of ours was in place');
      assert.deepEqual(await overridesOf(admin, topic), expected);
    } finally {
      await admin.deleteTopics({ topics: [topic] }).catch(() => undefined);
      await admin.disconnect();
    }
  });
});
