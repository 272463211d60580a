import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { formatResult, percentile, summarize, summaryLines } from './report';

describe('percentile', () => {
  it('takes the nearest rank', () => {
    const sorted = Array.from({ length: 100 }, (_, i) => i + 1);
    assert.equal(percentile(sorted, 50), 50);
    assert.equal(percentile(sorted, 90), 90);
    assert.equal(percentile(sorted, 99), 99);
    assert.equal(percentile(sorted, 100), 100);
    assert.equal(percentile([7], 99), 7);
    assert.equal(percentile([1, 2, 3, 4], 50), 2);
    assert.equal(percentile([], 50), 0);
  });
});

describe('summarize', () => {
  it('counts outcomes, most frequent first, and measures latency', () => {
    const results = [
      { outcome: 'accepted', ms: 30 },
      { outcome: 'invalid_item_mapping', ms: 5 },
      { outcome: 'accepted', ms: 10 },
      { outcome: 'accepted', ms: 20 },
      { outcome: 'unreachable', ms: 1000 },
    ];
    const summary = summarize(results);
    assert.deepEqual(summary, {
      total: 5,
      outcomes: { accepted: 3, invalid_item_mapping: 1, unreachable: 1 },
      latency: { p50: 20, p90: 1000, p99: 1000, max: 1000 },
    });
    assert.deepEqual(Object.keys(summary.outcomes)[0], 'accepted');
    assert.deepEqual(summaryLines(summary), [
      'requests: 5, accepted: 3',
      '  accepted: 3',
      '  invalid_item_mapping: 1',
      '  unreachable: 1',
      'latency: p50 20ms, p90 1000ms, p99 1000ms, max 1000ms',
    ]);
  });

  it('reports retry mismatches when there were retries, and survives no results', () => {
    const lines = summaryLines(summarize([], 0));
    assert.equal(lines[0], 'requests: 0, accepted: 0');
    assert.equal(lines.at(-1), 'retry mismatches: 0');
  });
});

describe('formatResult', () => {
  it('prints one line per request', () => {
    const result = {
      wixOrderId: '4471283345678921',
      restaurantId: '8830975305376234',
      attempt: 2,
      outcome: 'accepted',
      status: 200,
      ms: 12,
      posOrderId: 'POS-1',
      detail: 'POS-1',
    };
    assert.equal(
      formatResult(result),
      '4471283345678921 8830975305376234 accepted 12ms POS-1 (retry)',
    );
  });
});
