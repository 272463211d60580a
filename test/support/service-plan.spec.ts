import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { needsDocker, planServices } from './service-plan';

const given = { KAFKA_BROKERS: '127.0.0.1:9092', DATABASE_URL: 'postgres://pg@127.0.0.1/pg' };

describe('planServices', () => {
  it('uses what the environment names, whether Docker is there or not', () => {
    for (const docker of [true, false]) {
      const plan = planServices(given, docker);
      assert.deepEqual(
        [plan.kafka.source, plan.database.source, plan.kafka.why],
        ['given', 'given', 'KAFKA_BROKERS is set'],
      );
    }
  });

  it('starts containers for what is missing when Docker answers', () => {
    const plan = planServices({ KAFKA_BROKERS: given.KAFKA_BROKERS }, true);
    assert.equal(plan.kafka.source, 'given');
    assert.deepEqual(plan.database, {
      source: 'container',
      why: 'no DATABASE_URL, Docker is reachable',
    });
  });

  it('starts its own processes on a machine with neither variables nor Docker', () => {
    assert.deepEqual(planServices({}, false), {
      kafka: { source: 'local', why: 'no KAFKA_BROKERS and no Docker' },
      database: { source: 'local', why: 'no DATABASE_URL and no Docker' },
    });
  });

  it('treats an empty variable as unset', () => {
    assert.equal(
      planServices({ KAFKA_BROKERS: '', DATABASE_URL: '' }, false).kafka.source,
      'local',
    );
  });
});

describe('needsDocker', () => {
  it('asks Docker only when a service is missing', () => {
    assert.equal(needsDocker(given), false);
    assert.equal(needsDocker({ DATABASE_URL: given.DATABASE_URL }), true);
    assert.equal(needsDocker({}), true);
  });
});
