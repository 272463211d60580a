import assert from 'node:assert/strict';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { Agent, request } from 'node:http';
import { setTimeout as sleep } from 'node:timers/promises';
import { Answer, postOrder } from './support/http';
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

  it('a gateway closes the connections callers keep alive, and ends within the deadline', async () => {
    const gateway = await startGateway({ ORDER_DEADLINE_MS: '3000' });
    // One connection, kept alive and used again, as a caller's pool or a proxy does.
    const agent = new Agent({ keepAlive: true, maxSockets: 1 });
    const post = (body: unknown) => postOn(agent, gateway.url, brand, body);
    const inFlight = post(slowOrder());
    await sleep(300);
    const started = Date.now();
    const stopped = gateway.stop('SIGTERM');
    const first = await inFlight;
    assert.ok(first.body.value?.orderId, JSON.stringify(first.body));
    assert.equal(first.connection, 'close');
    // Whatever still comes is answered and told to close, or finds the port closed.
    let taken = 0;
    while (gateway.ended === null && Date.now() - started < 15_000) {
      const next = await post(orderOf([item('tea', 'TEA-1')], [{ itemId: 'tea' }])).catch(
        () => undefined,
      );
      if (next?.body.value) taken += 1;
      if (next) assert.equal(next.connection, 'close');
      await sleep(200);
    }
    await stopped;
    agent.destroy();
    assert.equal(gateway.ended, 'SIGTERM', 'not a graceful shutdown');
    assert.ok(Date.now() - started < 3_000 + 1_000 + 3_000, `took ${Date.now() - started} ms`);
    assert.ok(taken <= 1, `${taken} orders taken after the stop began`);
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

/** POSTs an order on `agent`'s connections; with the answer's `connection` header. */
function postOn(
  agent: Agent,
  url: string,
  brand: string,
  body: unknown,
): Promise<{ body: Answer['body']; connection?: string }> {
  return new Promise((resolve, reject) => {
    const req = request(
      `${url}/webhooks/wix/${brand}`,
      { method: 'POST', agent, headers: { 'content-type': 'application/json' } },
      (res) => {
        let text = '';
        res.setEncoding('utf8');
        res.on('data', (chunk: string) => (text += chunk));
        res.on('end', () =>
          resolve({ body: JSON.parse(text) as Answer['body'], connection: res.headers.connection }),
        );
        res.on('error', reject);
      },
    );
    req.on('error', reject);
    req.end(JSON.stringify(body));
  });
}
