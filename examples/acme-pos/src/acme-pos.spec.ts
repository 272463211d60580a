import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { PosIntegration, PosLog, PosOrder } from '@wix-pos-gateway/pos-sdk';
import acmeHarness from './acme-pos.harness';
import acmePos from './acme-pos';

const log: PosLog = { info() {}, warn() {}, error() {} };
const harness = acmeHarness();
let acme: PosIntegration;

function order(wixOrderId: string, sku = 'PLU-1'): PosOrder {
  const choice = { itemId: 'cheese', posItemId: 'MOD-1', count: 1, choices: [] };
  return {
    brand: 'acme',
    restaurantId: 'r-1',
    wixOrderId,
    idempotencyKey: `wix:acme:${wixOrderId}`,
    lines: [{ itemId: 'burger', posItemId: sku, count: 2, choices: [[choice]] }],
    wixOrder: { id: wixOrderId, restaurantId: 'r-1', orderItems: [] },
    menu: { items: [] },
    receivedAt: new Date(),
  };
}

const submit = (o: PosOrder) =>
  acme.submitOrder(o, {
    signal: AbortSignal.timeout(2_000),
    deadline: new Date(),
    attempt: 1,
    log,
  });
const cancel = (o: PosOrder) => acme.cancelOrder?.(o, { signal: AbortSignal.timeout(2_000), log });

describe('Acme POS Cloud, against its stand-in', () => {
  before(async () => {
    const env = await harness.start();
    acme = await acmePos({ brand: 'acme', env, log, database: undefined as never });
  });
  after(() => harness.stop());

  it('makes one ticket per idempotency key', async () => {
    const first = await submit(order('1001'));
    assert.deepEqual(await submit(order('1001')), first);
    assert.equal(await harness.liveOrders('1001'), 1);
  });

  it('names the SKUs Acme does not know', async () => {
    await assert.rejects(submit(order('1002', 'unknown-sku')), { kind: 'unknown_items' });
  });

  it('voids a ticket, and refuses one whose void came first', async () => {
    await submit(order('1003'));
    await cancel(order('1003'));
    await cancel(order('1004'));
    await submit(order('1004'));
    assert.deepEqual([await harness.liveOrders('1003'), await harness.liveOrders('1004')], [0, 0]);
  });

  it('fails retryably while Acme is down', async () => {
    await harness.setMode({ mode: 'down' });
    await assert.rejects(submit(order('1005')), { kind: 'pos_unavailable', retryable: true });
    await harness.setMode({ mode: 'normal' });
  });

  it('reports Acme unhealthy while it refuses tickets', async () => {
    const health = () => acme.checkHealth!({ signal: AbortSignal.timeout(2_000), log });
    await harness.setMode({ mode: 'failing' });
    await assert.rejects(health(), { kind: 'pos_unavailable' });
    await harness.setMode({ mode: 'normal' });
    await health();
  });
});
