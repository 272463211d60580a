import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { hogWhile } from './support/event-loop-hog';
import { Answer, postOrder } from './support/http';
import { sql } from './support/ledger';
import { example, renamed, uniqueBrand } from './support/orders';
import { AppProcess, startGateway, startWorker, stopAll } from './support/processes';

const overloaded = {
  error: { code: 'endpoint_down', description: 'the gateway is overloaded; try again shortly' },
};

describe('a gateway whose event loop falls behind', () => {
  const brand = uniqueBrand('starved');
  const dir = mkdtempSync(join(tmpdir(), 'starved-'));
  const hog = join(dir, 'hog');
  let gateway: AppProcess;

  before(async () => {
    await startWorker(brand);
    // It starts on a loop kept 80 % busy (200 ms of every 250), as a gateway restarted under
    // load: with its own start-up work, saturated.
    writeFileSync(hog, '200');
    gateway = await startGateway(hogWhile(hog), { shedding: true });
  });
  after(async () => {
    await stopAll();
    rmSync(dir, { recursive: true, force: true });
  });

  const order = () => renamed(example('order-takeout-cash'));
  const shedTotal = async () => {
    const metrics = await (await fetch(`${gateway.url}/metrics`)).text();
    return Number(/^pos_gateway_overload_shed_total (\d+)/m.exec(metrics)?.[1]);
  };

  /** Posts an order every 200 ms until `done` holds for its answer, for at most `ms`. */
  async function postUntil(done: (answer: Answer) => boolean, ms: number) {
    const posted: { id: string; answer: Answer }[] = [];
    const until = Date.now() + ms;
    while (Date.now() < until) {
      const body = order();
      const answer = await postOrder(gateway.url, brand, body);
      posted.push({ id: body.order.id, answer });
      if (done(answer)) return posted;
      await sleep(200);
    }
    assert.fail(`no such answer in ${ms} ms: ${JSON.stringify(posted.map((p) => p.answer))}`);
  }

  it('takes orders at once after it starts, its start not counting as load', async () => {
    rmSync(hog);
    const answer = await postOrder(gateway.url, brand, order());
    assert.ok(answer.body.value, JSON.stringify(answer.body));
    assert.equal(await shedTotal(), 0);
  });

  it('sheds calls once its loop stays saturated and late, and none of them goes live', async () => {
    await sleep(3500); // a window of room first, so the count starts from none
    writeFileSync(hog, '700'); // busy 700 ms of every 750
    const started = Date.now();
    const posted = await postUntil((answer) => answer.body.error !== undefined, 15_000);
    const shed = posted.at(-1);
    assert.deepEqual(shed?.answer.body, overloaded);
    // It sheds when most of three seconds were busy and late: a shorter burst is not overload.
    assert.ok(Date.now() - started >= 2600, `shed after ${Date.now() - started} ms`);
    // Read at the loop's next turn, and answered at once.
    assert.ok(shed.answer.ms < 1500, `the shed call took ${shed.answer.ms} ms`);
    assert.ok((await shedTotal()) >= 1);
    await sleep(3000);
    // Never read, so never sent on: no worker has heard of it, no kitchen holds it.
    const found = await sql(
      `SELECT 1 FROM order_ledger WHERE wix_order_id = $1
       UNION ALL SELECT 1 FROM pos_inbox WHERE wix_order_id = $1`,
      [shed.id],
    );
    assert.deepEqual(found, []);
  });

  it('takes orders again once its loop has room', async () => {
    rmSync(hog);
    const posted = await postUntil((answer) => answer.body.value !== undefined, 10_000);
    assert.ok(posted.at(-1)?.answer.body.value);
  });
});
