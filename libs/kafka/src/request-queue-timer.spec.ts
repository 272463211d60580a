import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { createRequire } from 'node:module';
import { setTimeout as sleep } from 'node:timers/promises';
import { mendRequestQueue } from './request-queue-timer';

interface Queue {
  throttleCheckTimeoutId: NodeJS.Timeout | null;
  pending: unknown[];
  push(request: object): void;
  fulfillRequest(response: { correlationId: number; payload: null; size: number }): void;
  checkPendingRequests(): void;
  maybeThrottle(ms: number): void;
  destroy(): void;
}

const RequestQueue = createRequire(require.resolve('kafkajs'))(
  './src/network/requestQueue/index.js',
) as new (options: object) => Queue;

const quiet = { debug() {}, info() {}, warn() {}, error() {} };

/** Until `done` holds, looking every few ms, for at most a second: a busy machine's timers run late. */
async function until(done: () => boolean): Promise<void> {
  for (const end = Date.now() + 1_000; !done(); await sleep(5)) {
    if (Date.now() > end) assert.fail('not within a second');
  }
}

/** A queue of one connection, counting its checks of held-back requests; what it sent. */
function queue(maxInFlightRequests = 1) {
  const q = new RequestQueue({
    maxInFlightRequests,
    requestTimeout: 30_000,
    enforceRequestTimeout: false,
    clientId: 'spec',
    broker: '127.0.0.1:9092',
    logger: quiet,
  });
  const counted = { checks: 0, sent: [] as number[] };
  const check = q.checkPendingRequests.bind(q);
  q.checkPendingRequests = () => {
    counted.checks += 1;
    check();
  };
  const push = (correlationId: number) =>
    q.push({
      entry: { correlationId, apiName: 'Produce', apiKey: 0, apiVersion: 7, resolve() {} },
      expectResponse: true,
      sendRequest: () => counted.sent.push(correlationId),
    });
  const answer = (correlationId: number) =>
    q.fulfillRequest({ correlationId, payload: null, size: 0 });
  return { q, counted, push, answer };
}

describe('mendRequestQueue', () => {
  const warnings: string[] = [];
  const onWarning = (warning: Error) => warnings.push(warning.name);

  before(() => {
    process.on('warning', onWarning);
    assert.equal(mendRequestQueue(), true);
    assert.equal(mendRequestQueue(), true, 'a second call finds it mended');
  });
  after(() => process.off('warning', onWarning));

  it('arms no timer once a response leaves nothing held back', async () => {
    const { q, counted, push, answer } = queue();
    push(1);
    answer(1);
    assert.equal(q.throttleCheckTimeoutId, null);
    await sleep(50);
    // kafkajs 2.2.4 as published checked about 40 times in these 50 ms, a timer after another.
    assert.equal(counted.checks, 1);
    assert.deepEqual(counted.sent, [1]);
    q.destroy();
  });

  it('sends a request held back by the in-flight cap when a response frees its place', async () => {
    const { q, counted, push, answer } = queue(1);
    push(1);
    push(2);
    assert.deepEqual(counted.sent, [1]);
    assert.equal(q.pending.length, 1);
    answer(1);
    assert.deepEqual(counted.sent, [1, 2]);
    answer(2);
    // The check armed while request 2 waited runs once more, finds nothing, and re-arms nothing.
    await until(() => q.throttleCheckTimeoutId === null);
    const checks = counted.checks;
    await sleep(30);
    assert.equal(counted.checks, checks);
    q.destroy();
  });

  it('sends a request held back by a throttle when the throttle ends, then disarms', async () => {
    const { q, counted, push } = queue(5);
    q.maybeThrottle(30);
    push(1);
    assert.deepEqual(counted.sent, []);
    assert.notEqual(q.throttleCheckTimeoutId, null);
    await until(() => counted.sent.length === 1);
    assert.deepEqual(counted.sent, [1]);
    await until(() => q.throttleCheckTimeoutId === null);
    q.destroy();
  });

  it('looks again every 10 ms while the in-flight cap holds a request back', async () => {
    const { q, counted, push, answer } = queue(1);
    const started = Date.now();
    push(1);
    push(2);
    // The check is armed for 10 ms, and armed again while request 2 stays held.
    await until(() => counted.checks >= 2);
    const most = Math.ceil((Date.now() - started) / 10) + 1;
    assert.ok(counted.checks <= most, `${counted.checks} checks, at most ${most}`);
    assert.deepEqual(counted.sent, [1]);
    answer(1);
    assert.deepEqual(counted.sent, [1, 2]);
    q.destroy();
  });

  it('sets no timer Node 24 warns of as negative', () => {
    assert.deepEqual(
      warnings.filter((name) => name === 'TimeoutNegativeWarning'),
      [],
    );
  });
});
