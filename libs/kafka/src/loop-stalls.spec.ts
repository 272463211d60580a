import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { LoopStalls } from './loop-stalls';

function busy(ms: number): void {
  const end = performance.now() + ms;
  while (performance.now() < end);
}

describe('LoopStalls', () => {
  it('counts a turn that holds the loop, while it runs and after, less a floor', async () => {
    const stalls = new LoopStalls(50, 20);
    stalls.start();
    try {
      await sleep(120);
      const before = stalls.now();
      assert.ok(before < 100, `an idle loop stalled ${before} ms`);
      busy(300);
      const during = stalls.now() - before;
      assert.ok(during >= 200 && during <= 340, `stalled ${during} ms during the turn`);
      await sleep(120);
      const after = stalls.now() - before;
      assert.ok(after >= 200 && after <= 380, `stalled ${after} ms after it`);
    } finally {
      stalls.stop();
    }
  });
});
