import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { figures } from './test-figures';
import { judgeTargets } from './targets';

describe('judgeTargets', () => {
  const met = {
    limit: { max: figures({ throughput: 400 }) },
    'stack, 2 workers': {
      '100/s': figures({}),
      '300/s': figures({
        sent: 3000,
        throughput: 300,
        codes: { accepted: 3000 },
        p99: 90,
        cpu: { gateway: 6, workers: 8, kafka: 9 },
      }),
      max: figures({ throughput: 300 }),
    },
    'stack, 2 workers, 2000-item menu': { '20/s': figures({ p99: 60 }) },
    'stack, embedded store': { '150/s': figures({ p99: 199 }) },
    overload: { summary: { answeredWithin10s: 1 } } as never,
  };

  it('meets every target on figures within them, and says what it measured', () => {
    const verdicts = judgeTargets(met);
    assert.equal(verdicts.length, 7);
    assert.deepEqual(
      verdicts.filter((v) => !v.met).map((v) => v.target),
      [],
    );
    assert.match(verdicts[1].measured, /300\/s against 400\/s: 0\.75×/);
    assert.match(verdicts[3].measured, /4\.67 ms per accepted order \(3000 of 3000\)/);
  });

  it('charges the CPU to accepted orders, and fails a run with errors or a slow p99', () => {
    const stack = met['stack, 2 workers'];
    const verdicts = judgeTargets({
      ...met,
      'stack, 2 workers': {
        ...stack,
        '100/s': figures({ p50: 6.1 }),
        '300/s': {
          ...stack['300/s'],
          codes: { accepted: 2000, endpoint_down: 1000 },
          errors: 1000,
        },
        max: figures({ throughput: 279 }),
      },
      overload: { summary: { answeredWithin10s: 1, allAnsweredWithin10s: false } } as never,
    });
    assert.deepEqual(
      verdicts.map((v) => v.met),
      [false, false, false, false, true, true, false],
    );
    assert.match(verdicts[3].measured, /7\.00 ms per accepted order \(2000 of 3000\)/);
  });

  it('fails a stack that held nothing, and leaves CPU it could not read unjudged', () => {
    const stack = met['stack, 2 workers'];
    const verdicts = judgeTargets({
      ...met,
      'stack, 2 workers': {
        ...stack,
        '300/s': { ...stack['300/s'], cpu: {} },
        max: figures({ throughput: 0 }),
      },
    });
    assert.equal(verdicts[1].met, false);
    assert.equal(verdicts[3].met, undefined);
    for (const cpu of [{ gateway: 6 }, { workers: 8 }] as Record<string, number>[]) {
      const [, , , verdict] = judgeTargets({
        ...met,
        'stack, 2 workers': { ...stack, '300/s': { ...stack['300/s'], cpu } },
      });
      assert.equal(verdict.met, undefined, JSON.stringify(cpu));
    }
  });

  it('puts beside a latency target what the same run measured one call at a time', () => {
    const verdicts = judgeTargets({
      ...met,
      limit: { ...met.limit, '100/s': figures({ p50: 6.3 }), '300/s': figures({ p99: 57 }) },
      'limit, 2000-item menu': { '20/s': figures({ p99: 36.4 }) },
      'stack, 2 workers': { ...met['stack, 2 workers'], '1 client': figures({ p50: 12 }) },
      'stack, 2 workers, 2000-item menu': {
        ...met['stack, 2 workers, 2000-item menu'],
        '1 client': figures({ p99: 79.7 }),
      },
      'stack, embedded store': {
        ...met['stack, embedded store'],
        '1 client': figures({ p99: 22.6 }),
      },
    });
    assert.match(
      verdicts[0].measured,
      /, no error; one call at a time: p99 20 ms; the limit at 300\/s: p99 57 ms$/,
    );
    assert.match(
      verdicts[2].measured,
      /^p50 5 ms, p99 20 ms, no error; one call at a time: p50 12 ms, p99 20 ms; the limit at 100\/s: p50 6\.3 ms, p99 20 ms$/,
    );
    assert.match(
      verdicts[4].measured,
      /; one call at a time: p99 79\.7 ms; the limit at 20\/s: p99 36\.4 ms$/,
    );
    assert.match(verdicts[5].measured, /, no error; one call at a time: p99 22\.6 ms$/);
    // Judged on the target's own figures, not on those beside them.
    assert.equal(verdicts[2].met, true);
    assert.equal(judgeTargets(met)[2].measured, 'p50 5 ms, p99 20 ms, no error');
  });

  it('quotes no one-client run that had errors', () => {
    const [, , verdict] = judgeTargets({
      ...met,
      'stack, 2 workers': {
        ...met['stack, 2 workers'],
        '1 client': figures({ p50: 3000, errors: 4, codes: { accepted: 996, endpoint_down: 4 } }),
      },
    });
    assert.equal(verdict.measured, 'p50 5 ms, p99 20 ms, no error');
  });

  it('leaves a target unjudged when the run has no figures for it', () => {
    const verdicts = judgeTargets({ limit: met.limit });
    assert.ok(verdicts.every((v) => v.met === undefined && v.measured === '—'));
  });
});
