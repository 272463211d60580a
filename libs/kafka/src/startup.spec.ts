import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { isBrokerUnreachable, untilKafkaAnswers } from './startup';

describe('untilKafkaAnswers', () => {
  it('runs the step again after each failure, and returns what it returns at last', async () => {
    const warnings: string[] = [];
    let calls = 0;
    const result = await untilKafkaAnswers(
      'reply consumer',
      () => {
        calls += 1;
        return calls < 3
          ? Promise.reject(new Error('This is not the correct coordinator for this group'))
          : Promise.resolve('ready');
      },
      { firstWaitMs: 5, warn: (message) => warnings.push(message) },
    );
    assert.equal(result, 'ready');
    assert.equal(calls, 3);
    assert.equal(warnings.length, 2);
    assert.match(warnings[0], /^reply consumer: This is not the correct coordinator/);
  });

  it('throws the last error once its budget is spent', async () => {
    let calls = 0;
    const started = performance.now();
    await assert.rejects(
      untilKafkaAnswers('topics', () => Promise.reject(new Error(`refused ${++calls}`)), {
        budgetMs: 60,
        firstWaitMs: 10,
        lastWaitMs: 20,
        warn: () => undefined,
      }),
      (error: Error) => error.message === `refused ${calls}`,
    );
    assert.ok(calls >= 3, `${calls} calls`);
    assert.ok(performance.now() - started < 1_000);
  });

  it('keeps trying past its budget while the broker cannot be reached, and only then', async () => {
    const unreachable = Object.assign(new Error('Connection error: connect ECONNREFUSED'), {
      name: 'KafkaJSConnectionError',
    });
    let calls = 0;
    const result = await untilKafkaAnswers(
      'reply topic',
      () => (++calls < 6 ? Promise.reject(unreachable) : Promise.resolve('up')),
      { budgetMs: 1, firstWaitMs: 5, keepTrying: isBrokerUnreachable, warn: () => undefined },
    );
    assert.equal(result, 'up');
    assert.equal(calls, 6);

    const refused = Object.assign(new Error('SASL PLAIN authentication failed'), {
      name: 'KafkaJSSASLAuthenticationError',
    });
    await assert.rejects(
      untilKafkaAnswers('reply topic', () => Promise.reject(refused), {
        budgetMs: 1,
        firstWaitMs: 5,
        keepTrying: isBrokerUnreachable,
        warn: () => undefined,
      }),
      /SASL PLAIN authentication failed/,
    );
  });
});

describe('isBrokerUnreachable', () => {
  it('is true of a connection failure, also wrapped once kafkajs stopped retrying it', () => {
    const named = (name: string, extra: object = {}) =>
      Object.assign(new Error(name), { name, ...extra });
    assert.equal(isBrokerUnreachable(named('KafkaJSConnectionError')), true);
    assert.equal(
      isBrokerUnreachable(
        named('KafkaJSNonRetriableError', { cause: named('KafkaJSConnectionClosedError') }),
      ),
      true,
    );
    assert.equal(isBrokerUnreachable(named('KafkaJSSASLAuthenticationError')), false);
    assert.equal(isBrokerUnreachable(new Error('KAFKA_MIN_INSYNC_REPLICAS is 2')), false);
    assert.equal(isBrokerUnreachable('ECONNREFUSED'), false);
  });
});
