import assert from 'node:assert/strict';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { EmbeddedDatabase } from '@wix-pos-gateway/database';
import { goodOrder } from '../libs/pos-conformance/src/conformance-orders';
import { postOrder } from './support/http';
import { ledgerRows, sql } from './support/ledger';
import { example, item, orderOf, renamed, uniqueBrand, wixId } from './support/orders';
import { AppProcess, startGateway, startWorker, stopAll } from './support/processes';

describe('the happy path on the embedded store (no DATABASE_URL)', () => {
  const brand = uniqueBrand('embedded');
  const dataDir = mkdtempSync(join(tmpdir(), 'pos-worker-'));
  // A killed worker's partitions come back to its successor once its session times out.
  const embedded = { DATABASE_URL: '', DATA_DIR: dataDir, KAFKA_SESSION_TIMEOUT_MS: '6000' };
  let gateway: AppProcess;
  let worker: AppProcess;
  const post = (body: unknown) => postOrder(gateway.url, brand, body);

  before(async () => {
    worker = await startWorker(brand, embedded);
    // Orders cut off by a killed worker are answered `endpoint_down` at this deadline.
    gateway = await startGateway({ ORDER_DEADLINE_MS: '4000' });
  });
  after(stopAll);

  it('answers both SPI examples, the card one paid, and the same id to a repeated order', async () => {
    for (const name of ['order-takeout-cash', 'order-delivery-card'] as const) {
      const body = renamed(example(name));
      const first = await post(body);
      assert.match(first.body.value?.orderId ?? JSON.stringify(first.body), /^\d+$/);
      const burst = await Promise.all(Array.from({ length: 10 }, () => post(body)));
      for (const again of burst) assert.equal(again.body.value?.orderId, first.body.value?.orderId);
    }
  });

  it('maps choices three levels deep, and lists unmapped items', async () => {
    assert.match((await post(goodOrder())).body.value?.orderId ?? '', /^\d+$/);
    const unmapped = orderOf([item('burger', 'PLU-1'), item('secret')], [{ itemId: 'secret' }]);
    const answer = await post(unmapped);
    assert.equal(answer.body.error?.code, 'invalid_item_mapping');
    assert.match(answer.body.error?.description ?? '', /item secret has no POS id/);
  });

  it('numbers 60 concurrent orders 1 to 6 per restaurant', async () => {
    const restaurants = Array.from({ length: 10 }, () => wixId());
    const bodies = Array.from({ length: 60 }, (_, i) =>
      renamed(example('order-takeout-cash'), restaurants[i % 10]),
    );
    const answers = await Promise.all(bodies.map(post));
    for (const restaurant of restaurants) {
      const tickets = answers
        .filter((_, i) => bodies[i].order.restaurantId === restaurant)
        .map((answer) => answer.body.value?.orderId);
      assert.deepEqual(tickets.sort(), ['1', '2', '3', '4', '5', '6']);
    }
  });

  it('refuses a second worker on the same store', async () => {
    await assert.rejects(startWorker(brand, embedded), /in use by process \d+: one worker per/);
  });

  it('keeps an answered order, and its ticket, across a kill -9 of the worker', async () => {
    const restaurant = wixId();
    const first = renamed(example('order-takeout-cash'), restaurant);
    const id = (await post(first)).body.value?.orderId;
    assert.equal(id, '1');
    await worker.stop('SIGKILL');
    // The dead process's lock is taken over; the store replays its log as PostgreSQL does.
    worker = await startWorker(brand, embedded);
    assert.equal((await post(first)).body.value?.orderId, id);
    const next = renamed(example('order-takeout-cash'), restaurant);
    assert.equal((await post(next)).body.value?.orderId, '2');
  });

  it('answers the same id again, after a kill -9 in the middle of a burst, to every order it answered one', async () => {
    const bodies = Array.from({ length: 60 }, () => renamed(example('order-takeout-cash')));
    let answered = 0;
    let tenth!: () => void;
    const tenAnswered = new Promise<void>((resolve) => (tenth = resolve));
    const calls = bodies.map((body) =>
      post(body).finally(() => {
        if (++answered === 10) tenth();
      }),
    );
    await tenAnswered;
    await worker.stop('SIGKILL');
    const answers = await Promise.all(calls);
    worker = await startWorker(brand, embedded);
    const ids = answers.map((answer) => answer.body.value?.orderId);
    assert.ok(ids.some(Boolean), 'no order was answered an id before the kill');
    assert.ok(
      ids.some((id) => !id),
      'the kill cut no order off',
    );
    for (const [i, body] of bodies.entries()) {
      if (ids[i]) assert.equal((await post(body)).body.value?.orderId, ids[i], `order ${i}`);
    }
  });

  it('keeps its orders across a restart, in the store and not in PostgreSQL', async () => {
    const body = renamed(example('order-takeout-cash'));
    const id = (await post(body)).body.value?.orderId;
    await worker.stop();
    worker = await startWorker(brand, embedded);
    assert.equal((await post(body)).body.value?.orderId, id);
    await worker.stop();

    const store = await EmbeddedDatabase.open(dataDir);
    try {
      const { rows } = await store.query<{ state: string; pos_order_id: string }>(
        'SELECT state, pos_order_id FROM order_ledger WHERE brand = $1 AND wix_order_id = $2',
        [brand, body.order.id],
      );
      assert.deepEqual(rows, [{ state: 'accepted', pos_order_id: id }]);
    } finally {
      await store.end();
    }
    const [{ migrated }] = await sql<{ migrated: boolean }>(
      "SELECT to_regclass('order_ledger') IS NOT NULL AS migrated",
    );
    if (migrated) assert.deepEqual(await ledgerRows(brand), []);
  });
});
