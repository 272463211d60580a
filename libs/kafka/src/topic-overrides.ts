import { ConfigEntries, ConfigSource } from 'kafkajs';

export interface TopicSetting {
  name: string;
  value: string;
}

/**
 * What to send to `alterConfigs` so that a topic has `ours` and keeps every other override it
 * has, or nothing when each of ours is already set. `alterConfigs` replaces a topic's whole set
 * of overrides (kafkajs 2.2 has no IncrementalAlterConfigs): whatever an operator set on the
 * topic (`min.insync.replicas`, `retention.bytes`, …) is sent back as it is. `current` is the
 * topic's `describeConfigs` answer; its own overrides are the `TOPIC_CONFIG` entries (Kafka's
 * `DYNAMIC_TOPIC_CONFIG`), the rest being broker settings and defaults.
 */
export function settingsToAlter(
  topic: string,
  current: readonly ConfigEntries[],
  ours: readonly TopicSetting[],
): TopicSetting[] | undefined {
  const overrides = new Map<string, string>();
  for (const entry of current) {
    if (entry.configSource !== ConfigSource.TOPIC_CONFIG) continue;
    if (entry.isSensitive || entry.configValue === null) {
      // Its value is not disclosed, so it could not be sent back: altering would erase it.
      throw new Error(
        `topic ${topic}: cannot set ${ours.map((s) => s.name).join(', ')} without erasing the sensitive override ${entry.configName}; set them by hand`,
      );
    }
    overrides.set(entry.configName, entry.configValue);
  }
  if (ours.every(({ name, value }) => overrides.get(name) === value)) return undefined;
  for (const { name, value } of ours) overrides.set(name, value);
  return [...overrides].map(([name, value]) => ({ name, value }));
}
