import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { PartitionWork } from './partition-work';

function gate() {
  let open!: () => void;
  const opened = new Promise<void>((resolve) => (open = resolve));
  return { open, opened };
}

describe('PartitionWork', () => {
  it('runs one key in order and other keys alongside', async () => {
    const work = new PartitionWork();
    const slow = gate();
    const seen: string[] = [];
    const first = work.add(10, 'a', async () => {
      await slow.opened;
      seen.push('a10');
    });
    const second = work.add(11, 'a', async () => {
      seen.push('a11');
    });
    const other = work.add(12, 'b', async () => {
      seen.push('b12');
    });
    await other;
    assert.deepEqual(seen, ['b12']);
    assert.equal(work.committable(), 10);
    slow.open();
    await Promise.all([first, second]);
    assert.deepEqual(seen, ['b12', 'a10', 'a11']);
    assert.equal(work.committable(), 13);
    assert.equal(work.size, 0);
  });

  it('keeps the committable offset at the lowest unfinished one', async () => {
    const work = new PartitionWork();
    assert.equal(work.committable(), undefined);
    const slow = gate();
    const pending = work.add(5, 'a', () => slow.opened);
    await work.add(6, 'b', async () => {});
    assert.equal(work.committable(), 5);
    slow.open();
    await pending;
    assert.equal(work.committable(), 7);
  });

  it('goes on with a key after one of its tasks failed', async () => {
    const work = new PartitionWork();
    const failed = work.add(1, 'a', () => Promise.reject(new Error('boom')));
    await assert.rejects(failed, /boom/);
    let ran = false;
    await work.add(2, 'a', async () => {
      ran = true;
    });
    assert.equal(ran, true);
  });
});

describe('PartitionWork.stop', () => {
  it('starts nothing queued after it, and commits below what never ran', async () => {
    const work = new PartitionWork();
    const slow = gate();
    const seen: number[] = [];
    void work.add(5, 'a', async () => {
      await slow.opened;
      seen.push(5);
    });
    void work.add(6, 'a', () => Promise.resolve(void seen.push(6)));
    void work.add(7, 'b', () => Promise.resolve(void seen.push(7)));
    await new Promise((resolve) => setImmediate(resolve));
    const stopped = work.stop();
    slow.open();
    await stopped;
    assert.deepEqual(seen, [7, 5]);
    assert.equal(work.committable(), 6);
  });
});
