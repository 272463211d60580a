import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { EventLoopUtilization } from 'node:perf_hooks';
import { Counter, Registry } from 'prom-client';
import { GatewayConfig } from '../config';
import { EventLoopLoad, LoadShedder } from './load-shedder';

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

/** `count` samples, each `ms` long (on time: 250) and busy the given share. */
const each = (count: number, utilization: number, ms = 250): [number, number][] =>
  Array.from({ length: count }, () => [utilization, ms]);

function shedder(limit: number, samples: [number, number?][]) {
  const shedder = new LoadShedder(
    { webhook: { maxEventLoopUtilization: limit } } as GatewayConfig,
    { overloadShed: new Counter({ name: 'x', help: 'x', registers: [new Registry()] }) } as never,
  );
  const load = new EventLoopLoad(fakeLoop(samples));
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

  it('forgets what it measured before it was started again', () => {
    const s = shedder(0.9, each(12, 1));
    assert.deepEqual(call(s), shed);
    s.load.start();
    s.load.close();
    assert.equal(call(s).passed, true);
  });
});
