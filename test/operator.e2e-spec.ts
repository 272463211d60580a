import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { resolve } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { promisify } from 'node:util';
import { setTimeout as sleep } from 'node:timers/promises';
import { postOrder } from './support/http';
import { sql } from './support/ledger';
import { example, renamed, uniqueBrand } from './support/orders';
import { AppProcess, required, startGateway, startWorker, stopAll } from './support/processes';

const TOKEN = 'operator-token-0123456789';
const cli = resolve(__dirname, '../apps/pos-worker/src/cli/main.js');

describe('looking up an order, as an operator', () => {
  const brand = uniqueBrand('operator');
  let gateway: AppProcess;
  let worker: AppProcess;
  const lookup = (path: string, token?: string) =>
    fetch(`${worker.url}${path}`, {
      headers: token ? { authorization: `Bearer ${token}` } : {},
    }).then(async (res) => ({ code: res.status, body: await res.json() }));

  before(async () => {
    worker = await startWorker(brand, { OPERATOR_TOKEN: TOKEN });
    gateway = await startGateway();
  });
  after(stopAll);

  it('shows state, mapped lines, masked cards, timings and outcome by Wix or POS order id', async () => {
    const body = renamed(example('order-delivery-card'));
    const posOrderId = (await postOrder(gateway.url, brand, body)).body.value?.orderId;
    const { code, body: record } = await lookup(`/orders/${body.order.id}`, TOKEN);
    assert.equal(code, 200);
    const shown = record as Record<string, unknown>;
    assert.equal(shown.state, 'accepted');
    assert.equal(shown.posOrderId, posOrderId);
    assert.equal(shown.error, null);
    assert.deepEqual(Object.keys(shown.timings as object), [
      'receivedAt',
      'claimedAt',
      'settledAt',
      'deadline',
    ]);
    assert.match(JSON.stringify(shown.lines), /"posItemId":"PZ-MARG"/);
    assert.deepEqual((shown.cards as Record<string, { last4: string }>).card_token_1.last4, '1111');
    assert.doesNotMatch(JSON.stringify(record), /4111111111111111/);

    const byPos = await lookup(
      `/orders?posOrderId=${posOrderId}&restaurantId=${body.order.restaurantId}`,
      TOKEN,
    );
    assert.deepEqual(byPos, { code: 200, body: [record] });
    assert.equal((await lookup('/orders/404404404', TOKEN)).code, 404);
    const forms = [
      '4111%201111%201111%201111',
      '4111+1111+1111+1111',
      '4111%25201111%25201111%25201111',
    ];
    for (const written of forms) {
      const card = await lookup(`/orders/${written}`, TOKEN);
      assert.equal(card.code, 404);
      assert.doesNotMatch(JSON.stringify(card.body), /4111\D{0,5}1111\D{0,5}1111\D{0,5}1111/);
    }
  });

  it('answers only with the operator token', async () => {
    assert.equal((await lookup('/orders/1')).code, 401);
    assert.equal((await lookup('/orders/1', 'wrong-token-0123456789')).code, 401);
    assert.doesNotMatch(worker.logs(), new RegExp(TOKEN));
  });

  it('shows the same from the command line', async () => {
    const body = renamed(example('order-takeout-cash'));
    await postOrder(gateway.url, brand, body);
    const env = { ...process.env, DATABASE_URL: required('DATABASE_URL') };
    const { stdout } = await promisify(execFile)(
      process.execPath,
      [cli, 'order', '--brand', brand, '--wix-order', body.order.id],
      { env },
    );
    // Confirmed once the reconciler has seen the gateway's recorded answer.
    assert.match((JSON.parse(stdout) as { state: string }).state, /^(accepted|confirmed)$/);
    await assert.rejects(
      promisify(execFile)(process.execPath, [cli, 'order', '--brand', brand, '--wix-order', '1'], {
        env,
      }),
      (error: { code: number; stderr: string }) =>
        error.code === 1 && /no such order/.test(error.stderr),
    );
  });

  it('lists the orders in doubt, on HTTP, on the command line and as a metric', async () => {
    const body = renamed(example('order-takeout-cash'));
    await postOrder(gateway.url, brand, body);
    await sql('UPDATE order_ledger SET in_doubt = true WHERE brand = $1 AND wix_order_id = $2', [
      brand,
      body.order.id,
    ]);
    const listed = await lookup('/orders/in-doubt', TOKEN);
    assert.equal(listed.code, 200);
    assert.deepEqual(
      (listed.body as Array<{ wixOrderId: string }>).map((r) => r.wixOrderId),
      [body.order.id],
    );
    const env = { ...process.env, DATABASE_URL: required('DATABASE_URL') };
    const { stdout } = await promisify(execFile)(
      process.execPath,
      [cli, 'order', '--brand', brand, '--in-doubt'],
      { env },
    );
    assert.equal((JSON.parse(stdout) as { wixOrderId: string }).wixOrderId, body.order.id);
    let metrics = '';
    for (let i = 0; i < 30 && !/pos_worker_orders_in_doubt\{[^}]*\} 1/.test(metrics); i++) {
      await sleep(200);
      metrics = await (await fetch(`${worker.url}/metrics`)).text();
    }
    assert.match(metrics, /pos_worker_orders_in_doubt\{[^}]*\} 1/);
  });
});
