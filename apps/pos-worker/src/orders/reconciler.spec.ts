import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { describe, it } from 'node:test';
import { SubmitOrder } from '@wix-pos-gateway/contracts';
import { newTestServices } from './testing/test-services';

const fixture = readFileSync(
  resolve(__dirname, '../../../../../test/fixtures/order-takeout-cash.json'),
  'utf8',
);

function delivery(wixOrderId: string, correlationId = `c-${wixOrderId}`): SubmitOrder {
  const body = JSON.parse(fixture) as { order: { id: string } };
  body.order.id = wixOrderId;
  const budgetMs = 2_000;
  const arrivedAt = performance.now();
  return {
    brand: 'test',
    budgetMs,
    arrivedAt,
    receivedAt: Date.now(),
    correlationId,
    body: JSON.stringify(body),
  };
}

/** Past the settle time of every order placed so far. */
const SETTLED = 2_000 + 10_001;

/**
 * Order o1 accepted and decided by a gateway (its response marked written, unless told not
 * to), then swept past its settle time.
 */
async function confirmedAndWritten({ written = true } = {}) {
  const t = newTestServices();
  await t.submit.submit(delivery('o1'));
  await t.ledger.recordAnswers('test', [
    { kind: 'decided', wixOrderId: 'o1', correlationId: 'c-o1', posOrderId: 'P-1' },
    ...(written ? [{ kind: 'written' as const, wixOrderId: 'o1', correlationId: 'c-o1' }] : []),
  ]);
  t.ledger.now += SETTLED;
  await t.reconciler.sweep();
  return t;
}

describe('Reconciler', () => {
  it('confirms an acceptance a gateway recorded, and never voids it', async () => {
    const t = await confirmedAndWritten();
    assert.equal(t.ledger.rows.get('o1')?.record.state, 'confirmed');
    assert.equal(t.ledger.rows.get('o1')?.record.inDoubt, false);
    t.ledger.now += 600_000;
    await t.reconciler.sweep();
    assert.equal(t.ledger.rows.get('o1')?.record.state, 'confirmed');
    assert.equal(t.pos.live(), 1);
  });

  it('voids an acceptance nobody recorded only once the answers are proven', async () => {
    const t = newTestServices();
    await t.submit.submit(delivery('o1'));
    t.ledger.now += SETTLED;
    t.proof.proven = false;
    await t.reconciler.sweep();
    assert.equal(t.ledger.rows.get('o1')?.record.state, 'accepted');
    t.proof.proven = true;
    await t.reconciler.sweep();
    await t.placeOrder.drain();
    assert.equal(t.ledger.rows.get('o1')?.record.state, 'voided');
    assert.equal(t.pos.live(), 0);
  });

  it('confirms, in doubt, a decision whose response was never marked written', async () => {
    const t = await confirmedAndWritten({ written: false });
    assert.deepEqual(
      [t.ledger.rows.get('o1')?.record.state, t.ledger.rows.get('o1')?.record.inDoubt],
      ['confirmed', true],
    );
    assert.match(
      await t.metrics.registry.metrics(),
      /pos_worker_orders_in_doubt\{brand="test"\} 1/,
    );
  });

  it('clears the flag of a confirmed order once its written mark comes late, and flags a withdrawn one', async () => {
    const t = newTestServices();
    await t.submit.submit(delivery('o1'));
    await t.submit.submit(delivery('o2'));
    await t.ledger.recordAnswers('test', [
      { kind: 'decided', wixOrderId: 'o1', correlationId: 'c-o1', posOrderId: 'P-1' },
      { kind: 'decided', wixOrderId: 'o2', correlationId: 'c-o2', posOrderId: 'P-2' },
      { kind: 'written', wixOrderId: 'o2', correlationId: 'c-o2' },
    ]);
    t.ledger.now += SETTLED;
    await t.reconciler.sweep();
    const flags = () => ['o1', 'o2'].map((id) => t.ledger.rows.get(id)?.record.inDoubt);
    assert.deepEqual(flags(), [true, false]);

    const late = [{ kind: 'written' as const, wixOrderId: 'o1', correlationId: 'c-o1' }];
    await t.ledger.recordAnswers('test', late);
    await t.reconciler.rejudge({ withdrawn: [], written: ['o1', 'o2', 'unknown'] });
    assert.deepEqual(flags(), [false, false]);

    await t.ledger.recordAnswers('test', [
      { kind: 'withdrawn', wixOrderId: 'o2', correlationId: 'c-o2' },
    ]);
    await t.reconciler.rejudge({ withdrawn: ['o2'], written: [] });
    assert.deepEqual(flags(), [false, true]);
    assert.deepEqual(
      ['o1', 'o2'].map((id) => t.ledger.rows.get(id)?.record.state),
      ['confirmed', 'confirmed'],
      'a confirmed order is never voided',
    );
  });

  it('never flags an order for a written mark, whose replay still waits for its own', async () => {
    const t = await confirmedAndWritten();
    await t.ledger.recordAnswers('test', [
      { kind: 'decided', wixOrderId: 'o1', correlationId: 'replay', posOrderId: 'P-1' },
      { kind: 'written', wixOrderId: 'o1', correlationId: 'c-o1' },
    ]);
    await t.reconciler.rejudge({ withdrawn: [], written: ['o1'] });
    assert.equal(t.ledger.rows.get('o1')?.record.inDoubt, false);
  });

  it('looks again at a recently flagged order on each sweep, for a mark judged nowhere else', async () => {
    const t = await confirmedAndWritten({ written: false });
    assert.equal(t.ledger.rows.get('o1')?.record.inDoubt, true);
    // The mark lands, but its own judging was lost (the database failed, say).
    await t.ledger.recordAnswers('test', [
      { kind: 'written', wixOrderId: 'o1', correlationId: 'c-o1' },
    ]);
    t.ledger.now += 2_000;
    await t.reconciler.sweep();
    assert.equal(t.ledger.rows.get('o1')?.record.inDoubt, false);
  });

  it('keeps a failed void in doubt, refuses its key to retries, and voids again before a new key', async () => {
    const t = newTestServices();
    await t.submit.submit(delivery('o1'));
    t.pos.cancelFails = true;
    t.ledger.now += SETTLED;
    await t.reconciler.sweep();
    assert.deepEqual(
      [t.ledger.rows.get('o1')?.record.state, t.ledger.rows.get('o1')?.record.inDoubt],
      ['failed', true],
    );
    const refused = await t.submit.submit(delivery('o1', 'retry-1'));
    assert.equal('error' in refused && refused.error.code, 'endpoint_down');

    t.pos.cancelFails = false;
    t.ledger.now += 10_001;
    await t.reconciler.sweep();
    assert.equal(t.ledger.rows.get('o1')?.record.state, 'voided');
    assert.deepEqual(await t.submit.submit(delivery('o1', 'retry-2')), {
      value: { orderId: 'P-2' },
    });
    assert.equal(t.ledger.rows.get('o1')?.record.idempotencyKey, 'wix2:test:o1');
  });

  it('flags an order an integration cannot void, and lets a retry take it back by its key', async () => {
    const t = newTestServices();
    Object.defineProperty(t.pos, 'cancelOrder', { value: undefined });
    await t.submit.submit(delivery('o1'));
    t.ledger.now += SETTLED;
    await t.reconciler.sweep();
    const record = t.ledger.rows.get('o1')?.record;
    assert.deepEqual([record?.state, record?.inDoubt, record?.unvoidable], ['failed', true, true]);
    assert.deepEqual(await t.submit.submit(delivery('o1', 'retry')), { value: { orderId: 'P-1' } });
    assert.equal(t.ledger.rows.get('o1')?.record.inDoubt, false);
  });
});
