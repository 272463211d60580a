import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { EventLoopUtilization } from 'node:perf_hooks';
import { Counter, Registry } from 'prom-client';
import { GatewayConfig } from '../config';
import { EventLoopLoad, LoadShedder } from './load-shedder';

/** An event loop whose utilization over each window is the next value given. */
function fakeLoop(utilizations: number[]) {
  const at = (idle: number, active: number): EventLoopUtilization => ({
    idle,
    active,
    utilization: active / (idle + active || 1),
  });
  let active = 0;
  let idle = 0;
  return (now?: EventLoopUtilization, before?: EventLoopUtilization) => {
    if (now && before) return at(now.idle - before.idle, now.active - before.active);
    const busy = (utilizations.shift() ?? 0) * 100;
    active += busy;
    idle += 100 - busy;
    return at(idle, active);
  };
}

function shedder(limit: number, utilizations: number[]) {
  const shedder = new LoadShedder(
    { webhook: { maxEventLoopUtilization: limit } } as GatewayConfig,
    { overloadShed: new Counter({ name: 'x', help: 'x', registers: [new Registry()] }) } as never,
  );
  shedder.load.close();
  Object.assign(shedder, { load: new EventLoopLoad(fakeLoop([0, ...utilizations])) });
  return shedder;
}

function call(shedder: LoadShedder): { passed: boolean; body?: unknown } {
  let passed = false;
  let body: unknown;
  const res = { status: () => res, json: (b: unknown) => (body = b) };
  shedder.use({} as never, res as never, () => (passed = true));
  shedder.load.close();
  return { passed, body };
}

describe('LoadShedder', () => {
  it('lets calls through while the event loop has room', () => {
    const s = shedder(0.9, [0.5]);
    s.load.sample();
    assert.equal(call(s).passed, true);
  });

  it('takes a burst: two seconds of a saturated loop are not overload', () => {
    const s = shedder(0.9, [...Array<number>(4).fill(0.3), ...Array<number>(8).fill(1)]);
    for (let i = 0; i < 12; i++) s.load.sample();
    assert.equal(call(s).passed, true);
  });

  it('answers endpoint_down before the body is read while the loop stays saturated', () => {
    const s = shedder(0.9, Array<number>(12).fill(0.97));
    for (let i = 0; i < 12; i++) s.load.sample();
    assert.deepEqual(call(s), {
      passed: false,
      body: {
        error: {
          code: 'endpoint_down',
          description: 'the gateway is overloaded; try again shortly',
        },
      },
    });
  });

  it('takes calls again as soon as the loop has room, and never sheds at a limit of 1', () => {
    const s = shedder(0.9, [...Array<number>(11).fill(1), 0.5]);
    for (let i = 0; i < 12; i++) s.load.sample();
    assert.equal(call(s).passed, true);
    const off = shedder(1, [1]);
    off.load.sample();
    assert.equal(call(off).passed, true);
  });
});
