import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { CardKeyring } from '@wix-pos-gateway/cards';
import { loadWorkerConfig } from './config';

describe('worker configuration', () => {
  it('groups the defaults by concern', () => {
    const config = loadWorkerConfig({});
    assert.equal(config.brand, 'demo');
    assert.equal(config.port, 8081);
    assert.equal(config.logLevel, 'info');
    assert.deepEqual(config.kafka, {
      brokers: ['127.0.0.1:9092'],
      clientId: 'pos-worker-demo',
      replicationFactor: 'auto',
      minInsyncReplicas: 'auto',
      maxWaitMs: 100,
      security: {},
      sessionTimeoutMs: 10_000,
    });
    assert.deepEqual(config.database, {
      url: undefined,
      dataDir: '.data/pos-worker',
      poolSize: 10,
      statementTimeoutMs: 5_000,
    });
    assert.deepEqual(config.integration, {
      name: 'kitchen-inbox',
      dir: undefined,
      deadlineMarginMs: 250,
      minBudgetMs: 500,
      externalIdKey: 'pos',
    });
    assert.deepEqual(config.orders, { settleMs: 10_000, reconcileEveryMs: 2_000, maxInFlight: 64 });
    assert.deepEqual(config.topics, { partitions: 12, retentionMs: 600_000 });
    assert.deepEqual(config.cards, { keyring: undefined });
    assert.deepEqual(config.operator, { token: undefined });
  });

  it('reads the variables into their groups', () => {
    const config = loadWorkerConfig({
      BRAND: 'acme',
      KAFKA_BROKERS: 'a:1,b:2',
      DATABASE_URL: 'postgres://db/x',
      WORKER_MAX_IN_FLIGHT: '8',
      OPERATOR_TOKEN: 'tok_9fK2mQ7xVbL4nR8s',
      CARD_KEYS: CardKeyring.generate('k1'),
    });
    assert.deepEqual(config.kafka.brokers, ['a:1', 'b:2']);
    assert.equal(config.kafka.clientId, 'pos-worker-acme');
    assert.equal(config.database.url, 'postgres://db/x');
    assert.equal(config.orders.maxInFlight, 8);
    assert.equal(config.operator.token, 'tok_9fK2mQ7xVbL4nR8s');
    assert.ok(config.cards.keyring instanceof CardKeyring);
  });

  it('names every bad variable, CARD_KEYS among them, in one error', () => {
    assert.throws(
      () => loadWorkerConfig({ BRAND: 'Not A Brand', CARD_KEYS: 'garbage' }),
      (error: Error) =>
        /^Invalid configuration\n/.test(error.message) &&
        /BRAND: /.test(error.message) &&
        /CARD_KEYS: /.test(error.message),
    );
  });
});
