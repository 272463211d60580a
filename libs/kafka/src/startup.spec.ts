import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { untilKafkaAnswers } from './startup';

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
});
