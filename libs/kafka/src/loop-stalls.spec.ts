import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { LoopStalls } from './loop-stalls';

function busy(ms: number): void {
  const end = performance.now() + ms;
  while (performance.now() < end);
}

describe('LoopStalls', () => {
  it('counts a turn that holds the loop, while it runs and after', async () => {
    const stalls = new LoopStalls(50);
    stalls.start();
    try {
      await sleep(120);
      const before = stalls.now();
      assert.ok(before < 40, `an idle loop stalled ${before} ms`);
      busy(300);
      const during = stalls.now() - before;
      assert.ok(during >= 240 && during <= 320, `stalled ${during} ms during the turn`);
      await sleep(120);
      const after = stalls.now() - before;
      assert.ok(after >= 240 && after <= 360, `stalled ${after} ms after it`);
    } finally {
      stalls.stop();
    }
  });
});
