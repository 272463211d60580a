import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { MappingCache } from './mapping-cache';

function cache(options = { maxEntries: 100, silenceMs: 15_000 }) {
  let now = 0;
  const made = new MappingCache(options, () => now);
  made.started();
  return { cache: made, pass: (ms: number) => (now += ms) };
}

const rows = (entries: Record<string, string>) => new Map(Object.entries(entries));

describe('MappingCache', () => {
  it('answers only for ids it has read, row or no row', () => {
    const { cache: c } = cache();
    c.put(c.mark(), 'demo', 'r-1', ['a', 'b'], rows({ a: 'A' }));
    assert.deepEqual(c.get('demo', 'r-1', ['a', 'b']), rows({ a: 'A' }));
    assert.deepEqual(c.get('demo', 'r-1', ['b']), rows({}));
    assert.equal(c.get('demo', 'r-1', ['a', 'c']), undefined);
    assert.equal(c.get('demo', 'r-2', ['a']), undefined);
    assert.equal(c.get('other', 'r-1', ['a']), undefined);
  });

  it('keeps nothing of a read that a change overtook', () => {
    const { cache: c } = cache();
    const mark = c.mark();
    c.changed('demo\nr-9');
    c.put(mark, 'demo', 'r-1', ['a'], rows({ a: 'A' }));
    assert.equal(c.get('demo', 'r-1', ['a']), undefined);
  });

  it("drops the restaurant a change names, and everything for '*'", () => {
    const { cache: c } = cache();
    c.put(c.mark(), 'demo', 'r-1', ['a'], rows({ a: 'A' }));
    c.put(c.mark(), 'demo', 'r-2', ['a'], rows({ a: 'B' }));
    c.changed('demo\nr-1');
    assert.equal(c.get('demo', 'r-1', ['a']), undefined);
    assert.deepEqual(c.get('demo', 'r-2', ['a']), rows({ a: 'B' }));
    assert.equal(c.size, 1);
    c.changed('*');
    assert.equal(c.get('demo', 'r-2', ['a']), undefined);
    assert.equal(c.size, 0);
  });

  it('answers nothing before the listener starts, after it stops, or once it falls silent', () => {
    const idle = new MappingCache();
    idle.put(idle.mark(), 'demo', 'r-1', ['a'], rows({ a: 'A' }));
    assert.equal(idle.get('demo', 'r-1', ['a']), undefined);

    const { cache: c, pass } = cache();
    c.put(c.mark(), 'demo', 'r-1', ['a'], rows({ a: 'A' }));
    c.stopped();
    assert.equal(c.get('demo', 'r-1', ['a']), undefined);
    c.started();
    assert.equal(c.get('demo', 'r-1', ['a']), undefined, 'what was read before is gone');

    c.put(c.mark(), 'demo', 'r-1', ['a'], rows({ a: 'A' }));
    pass(10_000);
    c.heard();
    pass(10_000);
    assert.deepEqual(c.get('demo', 'r-1', ['a']), rows({ a: 'A' }));
    pass(5_001);
    assert.equal(c.get('demo', 'r-1', ['a']), undefined);
    c.put(c.mark(), 'demo', 'r-1', ['a'], rows({ a: 'A' }));
    assert.equal(c.get('demo', 'r-1', ['a']), undefined, 'silent: nothing is kept');
    c.heard();
    assert.equal(
      c.get('demo', 'r-1', ['a']),
      undefined,
      'what was read before the silence is gone',
    );
    c.put(c.mark(), 'demo', 'r-1', ['a'], rows({ a: 'A' }));
    assert.deepEqual(c.get('demo', 'r-1', ['a']), rows({ a: 'A' }), 'heard again: it answers');
  });

  it('lets the least recently used restaurants go past its size', () => {
    const { cache: c } = cache({ maxEntries: 4, silenceMs: 15_000 });
    c.put(c.mark(), 'demo', 'r-1', ['a', 'b'], rows({ a: 'A' }));
    c.put(c.mark(), 'demo', 'r-2', ['a', 'b'], rows({ a: 'A' }));
    assert.ok(c.get('demo', 'r-1', ['a']));
    c.put(c.mark(), 'demo', 'r-3', ['a'], rows({}));
    assert.ok(c.get('demo', 'r-1', ['a']));
    assert.equal(c.get('demo', 'r-2', ['a']), undefined);
    assert.ok(c.get('demo', 'r-3', ['a']));
    assert.equal(c.size, 3);
  });

  it('knows every id of a restaurant read whole: one it lacks has no row', () => {
    const { cache: c } = cache();
    c.put(c.mark(), 'demo', 'r-1', ['a'], rows({ a: 'OLD' }));
    c.putWhole(c.mark(), 'demo', 'r-1', rows({ a: 'A', b: 'B' }));
    assert.deepEqual(c.get('demo', 'r-1', ['a', 'c']), rows({ a: 'A' }));
    assert.deepEqual(c.get('demo', 'r-1', ['b', 'z']), rows({ b: 'B' }));
    assert.equal(c.size, 3, 'its rows, and one for the restaurant');
    c.putWhole(c.mark(), 'demo', 'r-2', rows({}));
    assert.deepEqual(c.get('demo', 'r-2', ['a']), rows({}));
    assert.equal(c.size, 4);

    const mark = c.mark();
    c.changed('demo\nr-1');
    assert.equal(c.get('demo', 'r-1', ['a']), undefined);
    assert.equal(c.size, 1);
    c.putWhole(mark, 'demo', 'r-1', rows({ a: 'A' }));
    assert.equal(c.get('demo', 'r-1', ['a']), undefined, 'a read a change overtook is not kept');
  });

  it('lets restaurants read whole go past its size too', () => {
    const { cache: c } = cache({ maxEntries: 4, silenceMs: 15_000 });
    c.putWhole(c.mark(), 'demo', 'r-1', rows({ a: 'A' }));
    c.putWhole(c.mark(), 'demo', 'r-2', rows({ a: 'A' }));
    c.putWhole(c.mark(), 'demo', 'r-3', rows({ a: 'A', b: 'B' }));
    assert.equal(c.get('demo', 'r-1', ['a']), undefined);
    assert.deepEqual(c.get('demo', 'r-3', ['b']), rows({ b: 'B' }));
    assert.equal(c.size, 3);
  });
});
