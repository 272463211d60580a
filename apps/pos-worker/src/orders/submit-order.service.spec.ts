import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { describe, it } from 'node:test';
import { PosUnavailableError } from '@wix-pos-gateway/pos-sdk';
import { SubmitOrder } from '@wix-pos-gateway/contracts';
import { newTestServices } from './testing/test-services';

const fixture = readFileSync(
  resolve(__dirname, '../../../../../test/fixtures/order-takeout-cash.json'),
  'utf8',
);

let orders = 0;
/** A delivery of a fresh order (or of `wixOrderId` again), with `budgetMs` left. */
function delivery(budgetMs = 5_000, wixOrderId?: string): SubmitOrder {
  const body = JSON.parse(fixture) as { order: { id: string } };
  body.order.id = wixOrderId ?? `order-${++orders}`;
  return {
    brand: 'test',
    budgetMs,
    arrivedAt: performance.now(),
    receivedAt: Date.now(),
    correlationId: `c-${Math.random()}`,
    body: JSON.stringify(body),
  };
}

const idOf = (request: SubmitOrder) =>
  (JSON.parse(request.body as string) as { order: { id: string } }).order.id;

describe('SubmitOrderService', () => {
  it('places a new order once, and answers every later delivery with the same id', async () => {
    const { submit, pos, ledger } = newTestServices();
    const first = delivery();
    assert.deepEqual(await submit.submit(first), { value: { orderId: 'P-1' } });
    assert.equal(ledger.rows.get(idOf(first))?.record.state, 'accepted');
    const answerBy = ledger.rows.get(idOf(first))!.record.answerBy;

    ledger.now += 1_000;
    const again = delivery(5_000, idOf(first));
    assert.deepEqual(await submit.submit(again), { value: { orderId: 'P-1' } });
    assert.equal(pos.submits, 1);
    // The replay's own deadline is later: no gateway may record an answer after answerBy.
    assert.ok(ledger.rows.get(idOf(first))!.record.answerBy > answerBy);
  });

  it('lets a delivery that meets another in flight wait for it, never answer busy', async () => {
    const { submit, pos } = newTestServices();
    pos.delayMs = 150;
    const first = delivery();
    const answers = await Promise.all([
      submit.submit(first),
      submit.submit(delivery(5_000, idOf(first))),
    ]);
    assert.deepEqual(answers, [{ value: { orderId: 'P-1' } }, { value: { orderId: 'P-1' } }]);
    assert.equal(pos.submits, 1);
  });

  it('never starts an order with too little budget, but still replays one it placed', async () => {
    const { submit, pos, ledger } = newTestServices();
    const late = delivery(300);
    const answer = await submit.submit(late);
    assert.equal('error' in answer && answer.error.code, 'endpoint_down');
    assert.equal(ledger.rows.size, 0);
    assert.equal(pos.submits, 0);

    const placed = delivery();
    await submit.submit(placed);
    assert.deepEqual(await submit.submit(delivery(0, idOf(placed))), { value: { orderId: 'P-1' } });
  });

  it('tries again under the same key after a retryable failure', async () => {
    const { submit, pos, ledger } = newTestServices();
    pos.failNext = new PosUnavailableError('the POS is restarting');
    const first = delivery();
    const answer = await submit.submit(first);
    assert.equal('error' in answer && answer.error.code, 'endpoint_down');
    assert.equal(ledger.rows.get(idOf(first))?.record.state, 'failed');
    assert.deepEqual(await submit.submit(delivery(5_000, idOf(first))), {
      value: { orderId: 'P-1' },
    });
    assert.equal(ledger.rows.get(idOf(first))?.record.attempt, 2);
    assert.equal(ledger.rows.get(idOf(first))?.record.idempotencyKey, `wix:test:${idOf(first)}`);
  });

  it('abandons a POS slower than the deadline, voids by key, and the late create is refused', async () => {
    const { submit, pos, ledger, placeOrder } = newTestServices();
    pos.delayMs = 1_200;
    pos.ignoreSignal = true;
    const slow = delivery(1_000);
    const answer = await submit.submit(slow);
    assert.equal('error' in answer && answer.error.code, 'endpoint_down');
    await placeOrder.drain();
    assert.equal(ledger.rows.get(idOf(slow))?.record.state, 'voided');
    await new Promise((done) => setTimeout(done, 600));
    assert.equal(pos.live(), 0, 'the create that came after the void left no order');
  });

  it('voids an order the POS took but answered with no id', async () => {
    const { submit, pos, ledger, placeOrder } = newTestServices();
    pos.answerWithoutId = true;
    const order = delivery();
    const answer = await submit.submit(order);
    assert.equal('error' in answer && answer.error.code, 'endpoint_down');
    await placeOrder.drain();
    assert.equal(ledger.rows.get(idOf(order))?.record.state, 'voided');
    assert.equal(pos.live(), 0, 'the order the POS took is voided');
  });

  it('answers endpoint_down when the ledger cannot record the acceptance, and leaves it to the sweep', async () => {
    const { submit, ledger, reconciler, pos } = newTestServices();
    const order = delivery(2_000);
    const write = ledger.replaceAll.bind(ledger);
    let writes = 0;
    ledger.replaceAll = (brand, changes) => {
      writes += 1;
      if (writes === 1) return Promise.reject(new Error('Connection terminated unexpectedly'));
      return write(brand, changes);
    };
    const answer = await submit.submit(order);
    assert.equal('error' in answer && answer.error.code, 'endpoint_down');
    assert.equal(ledger.rows.get(idOf(order))?.record.state, 'submitting');
    ledger.now += 2_000 + 10_001;
    await reconciler.sweep();
    assert.equal(ledger.rows.get(idOf(order))?.record.state, 'voided');
    assert.equal(pos.live(), 0);
  });
});
