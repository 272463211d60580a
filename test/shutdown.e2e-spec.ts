import assert from 'node:assert/strict';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { postOrder } from './support/http';
import { item, orderOf, uniqueBrand } from './support/orders';
import { AppProcess, startGateway, startWorker, stopAll } from './support/processes';

const SLOW_MS = 1_500;

describe('graceful shutdown on SIGTERM', () => {
  const brand = uniqueBrand('shutdown');
  const journal = join(mkdtempSync(join(tmpdir(), 'journal-')), 'calls.jsonl');
  const worker = () =>
    startWorker(brand, {
      POS_INTEGRATION: resolve(__dirname, 'fixtures/integrations/journal-pos.js'),
      JOURNAL_FILE: journal,
    });
  /** An order the integration takes only after SLOW_MS. */
  const slowOrder = () => {
    const body = orderOf([item('soup', 'SOUP-1')], [{ itemId: 'soup' }]);
    body.order.comment = `ignore-deadline-once:${SLOW_MS}`;
    return body;
  };
  let workers: AppProcess[];

  before(async () => {
    workers = [await worker(), await worker()];
  });
  after(stopAll);

  it('a gateway answers the calls in flight, then ends', async () => {
    const gateway = await startGateway();
    const answers = Promise.all(
      Array.from({ length: 4 }, () => postOrder(gateway.url, brand, slowOrder())),
    );
    await sleep(300);
    const stopped = gateway.stop('SIGTERM');
    for (const answer of await answers)
      assert.ok(answer.body.value?.orderId, JSON.stringify(answer.body));
    await stopped;
    assert.equal(gateway.ended, 'SIGTERM', 'not a graceful shutdown');
    await assert.rejects(fetch(`${gateway.url}/health/live`));
  });

  it('a worker finishes its orders in flight, leaves the group at once, then ends', async () => {
    const gateway = await startGateway();
    const inFlight = Promise.all(
      Array.from({ length: 6 }, () => postOrder(gateway.url, brand, slowOrder())),
    );
    await sleep(300);
    await Promise.all(workers.map((w) => w.stop('SIGTERM')));
    for (const answer of await inFlight)
      assert.ok(answer.body.value?.orderId, JSON.stringify(answer.body));
    for (const w of workers) assert.equal(w.ended, 'SIGTERM', 'not a graceful shutdown');

    // Having left the group, they hold no partitions: a new worker takes orders right away,
    // not after a session timeout.
    await worker();
    const started = Date.now();
    const answer = await postOrder(
      gateway.url,
      brand,
      orderOf([item('tea', 'TEA-1')], [{ itemId: 'tea' }]),
    );
    assert.ok(answer.body.value?.orderId, JSON.stringify(answer.body));
    assert.ok(Date.now() - started < 5_000, `took ${Date.now() - started} ms`);
  });
});
