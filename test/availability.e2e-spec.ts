import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { postOrder } from './support/http';
import { ledgerRows } from './support/ledger';
import { example, renamed, uniqueBrand } from './support/orders';
import { AppProcess, startGateway, startWorker, stopAll } from './support/processes';

const DEADLINE_MS = 3_000;

describe('endpoint_down when no POS worker answers in time', () => {
  const brand = uniqueBrand('availability');
  let gateway: AppProcess;
  let worker: AppProcess;

  before(async () => {
    worker = await startWorker(brand);
    gateway = await startGateway({ ORDER_DEADLINE_MS: String(DEADLINE_MS) });
  });
  after(stopAll);

  it('answers an unknown brand with endpoint_down at once', async () => {
    const answer = await postOrder(gateway.url, 'no-such-brand', example('order-takeout-cash'));
    assert.equal(answer.body.error?.code, 'endpoint_down');
    assert.match(
      answer.body.error?.description ?? '',
      /no POS worker serves brand "no-such-brand"/,
    );
    assert.ok(answer.ms < 500, `took ${answer.ms} ms`);

    const invalid = await postOrder(gateway.url, 'Not%20A%20Brand', example('order-takeout-cash'));
    assert.equal(invalid.body.error?.code, 'endpoint_down');
    assert.ok(invalid.ms < 500, `took ${invalid.ms} ms`);
  });

  it('answers endpoint_down within the deadline while the worker is stopped, and never records those orders later', async () => {
    assert.match(
      (await postOrder(gateway.url, brand, renamed(example('order-takeout-cash')))).body.value
        ?.orderId ?? '',
      /^\d+$/,
    );
    await worker.stop();

    const unanswered = [
      renamed(example('order-takeout-cash')),
      renamed(example('order-delivery-card')),
    ];
    const answers = await Promise.all(
      unanswered.map((body) => postOrder(gateway.url, brand, body)),
    );
    for (const answer of answers) {
      assert.equal(answer.body.error?.code, 'endpoint_down', JSON.stringify(answer.body));
      assert.match(answer.body.error?.description ?? '', /did not answer within 3000 ms/);
      assert.ok(answer.ms >= DEADLINE_MS - 50, `answered after ${answer.ms} ms`);
      assert.ok(answer.ms <= DEADLINE_MS + 500, `answered after ${answer.ms} ms`);
    }

    worker = await startWorker(brand);
    const next = await postOrder(gateway.url, brand, renamed(example('order-takeout-cash')));
    assert.match(next.body.value?.orderId ?? JSON.stringify(next.body), /^\d+$/);

    // The requests still sat in the topic: the worker read them after the deadline and did not start them.
    const metrics = await (await fetch(`${worker.url}/metrics`)).text();
    const expired = metrics.match(/pos_worker_expired_requests_total\{brand="[^"]+"\} (\d+)/);
    assert.equal(Number(expired?.[1]), 2, metrics);
    assert.match(worker.logs(), /the order deadline passed before a worker could take it/);
    const recorded = new Set((await ledgerRows(brand)).map((row) => row.wix_order_id));
    for (const body of unanswered) assert.equal(recorded.has(body.order.id), false);
  });
});
