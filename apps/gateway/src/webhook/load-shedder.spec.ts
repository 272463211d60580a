import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { EventLoopUtilization } from 'node:perf_hooks';
import { setImmediate as turn } from 'node:timers/promises';
import { Counter, Registry } from 'prom-client';
import { GatewayConfig } from '../config';
import { EventLoopLoad, Lateness, LoadShedder, LoopDelay } from './load-shedder';

/** An event loop that, at each sample, was busy the given share of the given milliseconds. */
function fakeLoop(samples: [utilization: number, ms?: number][]) {
  const at = (idle: number, active: number): EventLoopUtilization => ({
    idle,
    active,
    utilization: active / (idle + active || 1),
  });
  let active = 0;
  let idle = 0;
  let first = true;
  return (now?: EventLoopUtilization, before?: EventLoopUtilization) => {
    if (now && before) return at(now.idle - before.idle, now.active - before.active);
    if (first) {
      first = false;
      return at(idle, active);
    }
    const [utilization, ms = 250] = samples.shift() ?? [0];
    active += utilization * ms;
    idle += (1 - utilization) * ms;
    return at(idle, active);
  };
}

/** `count` samples' lateness, each `late` ms. */
const lates = (count: number, late: number): number[] => Array.from({ length: count }, () => late);

/** Lateness read from a list, one value a reading (none for the reading at the start). */
function fakeLateness(values: number[]): Lateness {
  const left = [0, ...values];
  return { read: () => left.shift() ?? 0, close: () => undefined };
}

/** `count` samples, each `ms` long (on time: 250) and busy the given share. */
const each = (count: number, utilization: number, ms = 250): [number, number][] =>
  Array.from({ length: count }, () => [utilization, ms]);

const metrics = () =>
  ({
    overloadShed: new Counter({ name: 'x', help: 'x', registers: [new Registry()] }),
  }) as never;

/**
 * A shedder on a loop sampled as `samples`, late by `lateMs` on average in each (or sample by
 * sample, as the list says).
 */
function shedder(limit: number, samples: [number, number?][], lateMs: number | number[] = 60) {
  const shedder = new LoadShedder(
    { webhook: { maxEventLoopUtilization: limit } } as GatewayConfig,
    metrics(),
  );
  const late = Array.isArray(lateMs) ? lateMs : lates(samples.length, lateMs);
  // The first reading is taken when the load starts measuring.
  const load = new EventLoopLoad(fakeLoop(samples), fakeLateness(late));
  Object.assign(shedder, { load });
  load.start();
  load.close();
  for (let i = samples.length; i > 0; i--) load.sample();
  return shedder;
}

function call(shedder: LoadShedder): { passed: boolean; body?: unknown } {
  let passed = false;
  let body: unknown;
  const res = { status: () => res, json: (b: unknown) => (body = b) };
  shedder.use({} as never, res as never, () => (passed = true));
  return { passed, body };
}

const shed = {
  passed: false,
  body: {
    error: {
      code: 'endpoint_down',
      description: 'the gateway is overloaded; try again shortly',
    },
  },
};

describe('LoadShedder', () => {
  it('lets calls through while the event loop has room', () => {
    assert.equal(call(shedder(0.9, each(12, 0.5))).passed, true);
  });

  it('takes a burst: two seconds of a saturated loop are not overload', () => {
    assert.equal(call(shedder(0.9, [...each(4, 0.3), ...each(8, 1)])).passed, true);
  });

  it('answers endpoint_down before the body is read while the loop stays saturated', () => {
    assert.deepEqual(call(shedder(0.9, each(12, 0.97))), shed);
  });

  it('takes calls again as soon as the loop has room, and never sheds at a limit of 1', () => {
    assert.equal(call(shedder(0.9, [...each(11, 1), [0.5, 250]])).passed, true);
    assert.equal(call(shedder(1, each(12, 1))).passed, true);
  });

  it('sheds nothing until it has measured three seconds: a gateway just started is busy with its start', () => {
    assert.equal(call(shedder(0.9, each(11, 1))).passed, true);
    assert.equal(call(shedder(0.9, [[1, 2900]])).passed, true);
    assert.deepEqual(call(shedder(0.9, each(5, 1, 600))), shed);
  });

  it('takes one long pause for what it is, and sheds if the loop stays saturated after it', () => {
    assert.equal(call(shedder(0.9, [[1, 3000]])).passed, true);
    assert.equal(call(shedder(0.9, [...each(4, 0), [1, 3500]])).passed, true);
    assert.deepEqual(
      call(
        shedder(0.9, [
          [1, 3000],
          [1, 250],
        ]),
      ),
      shed,
    );
  });

  it('weighs each sample by the time it covers, since a saturated loop samples late', () => {
    const load = new EventLoopLoad(
      fakeLoop([
        [1, 1500],
        [0, 250],
        [0, 250],
        [0, 1000],
      ]),
      fakeLateness([]),
    );
    load.start();
    load.close();
    for (let i = 0; i < 4; i++) load.sample();
    // Busy one sample in four, but half the time.
    assert.equal(load.utilization, 0.5);
    // One late busy sample among idle ones on time sheds nothing; late busy samples do.
    assert.equal(call(shedder(0.9, [[1, 1000], ...each(8, 0)])).passed, true);
    assert.deepEqual(call(shedder(0.9, [...each(2, 0), [1, 1400], [1, 1400], [1, 300]])), shed);
  });

  it('sheds nothing while the loop, however busy, runs what is due on time: it waits for a core of a busy machine, it is not behind', () => {
    assert.equal(call(shedder(0.9, each(12, 1), 15)).passed, true);
    // On average over the window, each sample weighed by the time it covers.
    // 40 ms on average is late enough; 32.5 ms is not.
    assert.deepEqual(call(shedder(0.9, each(12, 1), [...lates(6, 10), ...lates(6, 70)])), shed);
    assert.equal(call(shedder(0.9, each(12, 1), [...lates(9, 10), ...lates(3, 100)])).passed, true);
    // Weighed by time, one sample three times as long and 200 ms late makes 50 ms; counted
    // sample by sample, it would make 20.
    assert.deepEqual(call(shedder(0.9, [...each(9, 1), [1, 750]], [...lates(9, 0), 200])), shed);
  });

  /** Runs the loop for `ms` in turns that each block it for `blockMs`, without using a core. */
  async function turns(ms: number, blockMs: number): Promise<void> {
    const cell = new Int32Array(new SharedArrayBuffer(4));
    const until = Date.now() + ms;
    while (Date.now() < until) {
      Atomics.wait(cell, 0, 0, blockMs);
      await turn();
    }
  }

  it('reads how late the loop ran its timers from the delay monitor, turns as long as its own readings included', async () => {
    const delay = new LoopDelay();
    try {
      delay.read(0, 0);
      await turns(600, 60);
      const short = delay.read(600, 250);
      assert.ok(short > 35 && short < 90, `60 ms turns read ${short} ms late`);
      await turns(1200, 300);
      const long = delay.read(1200, 250);
      assert.ok(long > 220, `300 ms turns read ${long} ms late`);
      // A loop that runs nothing due between two readings: the reading's own lateness.
      Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 400);
      assert.equal(delay.read(400, 250), 150);
    } finally {
      delay.close();
    }
  });

  it('forgets what it measured before it was started again', () => {
    const s = shedder(0.9, each(12, 1));
    assert.deepEqual(call(s), shed);
    s.load.start();
    s.load.close();
    assert.equal(call(s).passed, true);
  });
});
