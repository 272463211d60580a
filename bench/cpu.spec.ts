import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { settle } from './cpu';

describe('settle', () => {
  it('returns once a window of the machine is under the share asked for', async () => {
    const waited = await settle({ minMs: 0, maxMs: 5_000, windowMs: 50, busyShare: 1.01 });
    assert.equal(waited.quiet, true);
    assert.equal(waited.windows, 1);
    assert.ok(waited.seconds < 1, String(waited.seconds));
  });

  it('gives up after its longest wait on a machine never quiet enough', async () => {
    const started = performance.now();
    const waited = await settle({ minMs: 0, maxMs: 200, windowMs: 50, busyShare: 0 });
    assert.equal(waited.quiet, false);
    assert.ok(waited.windows >= 4, String(waited.windows));
    const ms = performance.now() - started;
    assert.ok(ms >= 200 && ms < 2_000, String(ms));
  });

  it('waits at least its minimum', async () => {
    const started = performance.now();
    await settle({ minMs: 150, maxMs: 1_000, windowMs: 20, busyShare: 1.01 });
    assert.ok(performance.now() - started >= 150);
  });
});
