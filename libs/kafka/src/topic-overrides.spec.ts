import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ConfigEntries, ConfigSource } from 'kafkajs';
import { settingsToAlter } from './topic-overrides';

function entry(configName: string, configValue: string, configSource: ConfigSource): ConfigEntries {
  return {
    configName,
    configValue,
    configSource,
    isDefault: configSource === ConfigSource.DEFAULT_CONFIG,
    isSensitive: false,
    readOnly: false,
    configSynonyms: [],
  };
}

const ours = [
  { name: 'retention.ms', value: '3600000' },
  { name: 'segment.ms', value: '3600000' },
];

describe('settingsToAlter', () => {
  it('keeps the operator overrides beside ours, and leaves defaults and broker settings out', () => {
    const current = [
      entry('min.insync.replicas', '1', ConfigSource.TOPIC_CONFIG),
      entry('retention.ms', '604800000', ConfigSource.TOPIC_CONFIG),
      entry('segment.ms', '604800000', ConfigSource.DEFAULT_CONFIG),
      entry('compression.type', 'zstd', ConfigSource.STATIC_BROKER_CONFIG),
      entry('retention.bytes', '-1', ConfigSource.DYNAMIC_DEFAULT_BROKER_CONFIG),
    ];
    assert.deepEqual(settingsToAlter('t', current, ours), [
      { name: 'min.insync.replicas', value: '1' },
      { name: 'retention.ms', value: '3600000' },
      { name: 'segment.ms', value: '3600000' },
    ]);
  });

  it('alters nothing when each of ours is already the topic own setting', () => {
    const current = [
      entry('min.insync.replicas', '1', ConfigSource.TOPIC_CONFIG),
      entry('retention.ms', '3600000', ConfigSource.TOPIC_CONFIG),
      entry('segment.ms', '3600000', ConfigSource.TOPIC_CONFIG),
    ];
    assert.equal(settingsToAlter('t', current, ours), undefined);
  });

  it('sets ours even when a broker setting has the same value', () => {
    const current = [
      entry('retention.ms', '3600000', ConfigSource.TOPIC_CONFIG),
      entry('segment.ms', '3600000', ConfigSource.STATIC_BROKER_CONFIG),
    ];
    assert.deepEqual(settingsToAlter('t', current, ours), ours);
  });

  it('refuses to erase a sensitive override it cannot send back', () => {
    const secret = { ...entry('x.secret', '', ConfigSource.TOPIC_CONFIG), isSensitive: true };
    assert.throws(
      () => settingsToAlter('orders', [secret], ours),
      /topic orders: cannot set retention.ms, segment.ms without erasing the sensitive override x.secret/,
    );
  });
});
