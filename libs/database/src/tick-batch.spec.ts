import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { TickBatch } from './tick-batch';

/** PostgreSQL's answer to a bad row, as `pg` raises it. */
const badRow = Object.assign(new Error('invalid input syntax'), {
  severity: 'ERROR',
  code: '22P02',
});

function recording(answer: (inputs: string[]) => Promise<string[]>, maxSize = 10) {
  const runs: string[][] = [];
  const batch = new TickBatch<string, string>(
    (inputs) => {
      runs.push(inputs);
      return answer(inputs);
    },
    { maxSize, keyOf: (input) => input.split(':')[0] },
  );
  return { batch, runs };
}

const upper = (inputs: string[]) => Promise.resolve(inputs.map((i) => i.toUpperCase()));

describe('TickBatch', () => {
  it('runs the calls of one turn as one, and answers each by its position', async () => {
    const { batch, runs } = recording(upper);
    const answers = await Promise.all(['a', 'b', 'c'].map((i) => batch.add(i)));
    assert.deepEqual(answers, ['A', 'B', 'C']);
    assert.deepEqual(runs, [['a', 'b', 'c']]);
  });

  it('runs a lone call at the end of its turn, and calls of a later turn apart', async () => {
    const { batch, runs } = recording(upper);
    assert.equal(await batch.add('a'), 'A');
    assert.equal(await batch.add('b'), 'B');
    assert.deepEqual(runs, [['a'], ['b']]);
  });

  it('never holds two calls of one key in a run, nor more than its size', async () => {
    const { batch, runs } = recording(upper, 2);
    const answers = await Promise.all(['a:1', 'a:2', 'b', 'c', 'd'].map((i) => batch.add(i)));
    assert.deepEqual(answers, ['A:1', 'A:2', 'B', 'C', 'D']);
    assert.deepEqual(runs, [['a:1', 'b'], ['a:2', 'c'], ['d']]);
  });

  it('runs each call alone after the database refused the run, so a bad row fails only its caller', async () => {
    const { batch, runs } = recording((inputs) =>
      inputs.includes('bad') ? Promise.reject(badRow) : upper(inputs),
    );
    const answers = await Promise.allSettled(['a', 'bad', 'c'].map((i) => batch.add(i)));
    assert.deepEqual(
      answers.map((a): unknown => (a.status === 'fulfilled' ? a.value : a.reason)),
      ['A', badRow, 'C'],
    );
    assert.deepEqual(runs, [['a', 'bad', 'c'], ['a'], ['bad'], ['c']]);
  });

  it("gives every call of the run a failure that is not the database's own: its outcome is unknown", async () => {
    const lost = new Error('Connection terminated unexpectedly');
    const { batch, runs } = recording(() => Promise.reject(lost));
    const answers = await Promise.allSettled(['a', 'b'].map((i) => batch.add(i)));
    assert.deepEqual(
      answers.map((a): unknown => a.status === 'rejected' && a.reason),
      [lost, lost],
    );
    assert.equal(runs.length, 1);
  });

  it('runs nothing again after a timeout, a FATAL or a lost connection: each alone would fare the same', async () => {
    const failures = [
      Object.assign(new Error('canceling statement due to statement timeout'), {
        severity: 'ERROR',
        code: '57014',
      }),
      Object.assign(new Error('terminating connection'), { severity: 'FATAL', code: '57P01' }),
      Object.assign(new Error('connection failure'), { severity: 'ERROR', code: '08006' }),
    ];
    for (const failure of failures) {
      const { batch, runs } = recording(() => Promise.reject(failure));
      const answers = await Promise.allSettled(['a', 'b'].map((i) => batch.add(i)));
      assert.ok(answers.every((a) => a.status === 'rejected' && a.reason === failure));
      assert.equal(runs.length, 1, failure.message);
    }
  });
});
