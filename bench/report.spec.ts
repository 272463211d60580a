import assert from 'node:assert/strict';
import { describe, it, mock } from 'node:test';
import { figures } from './test-figures';
import { printReport } from './report';

/** What `printReport` writes for `phases`, as one text. */
function printed(phases: Record<string, Record<string, ReturnType<typeof figures>>>): string {
  const log = mock.method(console, 'log', () => undefined);
  try {
    printReport({
      workload: {
        normal: { menuItems: 150, bodyBytes: 84_000 },
        large: { menuItems: 2000, bodyBytes: 980_000 },
      },
      phases,
    });
    return log.mock.calls.map((call) => String(call.arguments[0])).join('\n');
  } finally {
    log.mock.restore();
  }
}

describe('printReport', () => {
  it('names each load: open loop by rate, closed loop by clients, the most it held marked', () => {
    const text = printed({
      'stack, 2 workers': {
        '100/s': figures({ p50: 16.7 }),
        '1 client': figures({ concurrency: 1, p50: 11 }),
        max: figures({ concurrency: 64, throughput: 347 }),
      },
    });
    assert.match(text, /\| stack, 2 workers \| open loop 100\/s +\| 1000 +\| 100 +\| 16\.7 /);
    assert.match(text, /\| stack, 2 workers \| closed loop, 1 client +\| 1000 +\| 100 +\| 11 /);
    assert.match(text, /\| stack, 2 workers \| closed loop, 64 clients \(most\) \| 1000 +\| 347 /);
  });

  it('prints one row in each table when one client was the most a setup held', () => {
    const one = figures({ concurrency: 1, stagesMs: { gatewayOwn: 2 } });
    const text = printed({ 'stack, 1 worker': { '1 client': one, max: one } });
    assert.equal(
      text.match(/\| stack, 1 worker \| closed loop, 1 client \(most\) \| 1000 /g)?.length,
      1,
    );
    assert.equal(
      text.match(/\| stack, 1 worker \| closed loop, 1 client \(most\) \| 2 /g)?.length,
      1,
    );
    assert.equal(text.match(/closed loop, 1 client/g)?.length, 2);
  });

  it('marks no most when every closed-loop step had errors', () => {
    const text = printed({ limit: { max: figures({ concurrency: 0, sent: 0 }) } });
    assert.match(text, /\| limit \| closed loop, 0 clients \| 0 /);
  });
});
