import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { generatedOrder } from './order-factory';
import { inPool, runOrders } from './run';
import { SendResult } from './send';

describe('inPool', () => {
  it('keeps at most `concurrency` calls pending and returns results in order', async () => {
    let pending = 0;
    let most = 0;
    const results = await inPool(10, 3, async (index) => {
      pending++;
      most = Math.max(most, pending);
      await new Promise((resolve) => setTimeout(resolve, 10 - index));
      pending--;
      return index * 2;
    });
    assert.equal(most, 3);
    assert.deepEqual(results, [0, 2, 4, 6, 8, 10, 12, 14, 16, 18]);
  });
});

describe('runOrders', () => {
  const accepted = (orderId: string): SendResult => ({
    status: 200,
    body: { value: { orderId } },
    ms: 1,
    outcome: 'accepted',
  });

  it('sends each body twice for retries and counts answers that differ', async () => {
    const seen = new Map<unknown, number>();
    const bodies: unknown[] = [];
    const { results, retryMismatches } = await runOrders({
      url: 'http://gateway/webhooks/wix/demo',
      orders: 4,
      concurrency: 2,
      timeoutMs: 1_000,
      attempts: 2,
      makeOrder: (index) => (bodies[index] = generatedOrder()),
      send: async (_url, body) => {
        const count = (seen.get(body) ?? 0) + 1;
        seen.set(body, count);
        const { id } = (body as { order: { id: string } }).order;
        // The third order gets a second POS order on its retry: a duplicate.
        return accepted(bodies.indexOf(body) === 2 && count === 2 ? `${id}-dup` : id);
      },
    });
    assert.equal(results.length, 8);
    assert.deepEqual([...seen.values()], [2, 2, 2, 2]);
    assert.equal(retryMismatches, 1);
    assert.deepEqual(
      results.map((r) => r.attempt),
      [1, 2, 1, 2, 1, 2, 1, 2],
    );
  });

  it('never prints a card number an answer echoes', async () => {
    const { results } = await runOrders({
      url: 'http://gateway/webhooks/wix/demo',
      orders: 1,
      concurrency: 1,
      timeoutMs: 1_000,
      attempts: 1,
      makeOrder: () => generatedOrder({ withCard: true }),
      send: async () => ({
        status: 200,
        body: { error: { code: 'cc_rejected', description: 'card 4580458045804580 declined' } },
        ms: 1,
        outcome: 'cc_rejected',
      }),
    });
    assert.equal(results[0]?.detail, 'card 458045******4580 declined');
  });
});
