import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { Kafka, logLevel, Partitioners, ProducerConfig } from 'kafkajs';
import { createProducer, levelOf } from './kafka-client';

describe('levelOf', () => {
  const coordinator = 'The group coordinator is not available';

  it('writes the answers of a broker still starting, which kafkajs retries, at debug', () => {
    for (const error of [
      coordinator,
      "The coordinator is loading and hence can't process requests for this group",
    ]) {
      const line = 'Response GroupCoordinator(key: 10, version: 2)';
      assert.equal(levelOf(logLevel.ERROR, line, { error }), logLevel.DEBUG);
    }
    const crash = `Crash: KafkaJSProtocolError: ${coordinator}`;
    assert.equal(levelOf(logLevel.ERROR, crash, {}), logLevel.DEBUG);
  });

  it('leaves a consumer crash to its listener: a warning, and the restart a detail', () => {
    const crash = 'Crash: KafkaJSConnectionClosedError: Closed connection';
    assert.equal(levelOf(logLevel.ERROR, crash, {}), logLevel.WARN);
    const restart = 'Restarting the consumer in 100ms';
    assert.equal(levelOf(logLevel.ERROR, restart, {}), logLevel.DEBUG);
  });

  it('keeps every other error, and warnings, at their level', () => {
    const response = 'Response Produce(key: 0, version: 7)';
    assert.equal(levelOf(logLevel.ERROR, response, { error: 'timeout' }), logLevel.ERROR);
    assert.equal(levelOf(logLevel.ERROR, 'Failed to send messages', {}), logLevel.ERROR);
    assert.equal(levelOf(logLevel.WARN, response, { error: coordinator }), logLevel.WARN);
  });
});

describe('createProducer', () => {
  it('names the partitioner and creates no topic', () => {
    let config: ProducerConfig | undefined;
    const kafka = { producer: (given: ProducerConfig) => (config = given) } as unknown as Kafka;
    createProducer(kafka);
    assert.equal(config?.createPartitioner, Partitioners.DefaultPartitioner);
    assert.equal(config?.allowAutoTopicCreation, false);
  });

  it('makes one attempt per send, since SendQueue retries whole batches', () => {
    let config: ProducerConfig | undefined;
    const kafka = { producer: (given: ProducerConfig) => (config = given) } as unknown as Kafka;
    createProducer(kafka);
    assert.deepEqual(config?.retry, { retries: 0 });
  });
});
