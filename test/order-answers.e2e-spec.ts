import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import {
  OrderAnswer,
  decodeOrderAnswer,
  orderAnswersTopic,
  spiFailure,
} from '@wix-pos-gateway/contracts';
import { FakeWorker } from './support/fake-worker';
import { Answer, postOrder } from './support/http';
import { readTopic } from './support/kafka';
import { example, renamed, uniqueBrand } from './support/orders';
import { AppProcess, required, startGateway, stopAll } from './support/processes';

const DEADLINE_MS = 3_000;
const REFUSED = 'refused-restaurant';

/** The records of a brand's answers topic, in the order written (one partition per order). */
async function answerRecords(brand: string): Promise<OrderAnswer[]> {
  const records = await readTopic(orderAnswersTopic(brand));
  return records.flatMap((text) => decodeOrderAnswer(text.split('\n')[1] ?? null) ?? []);
}

describe('confirm before answer: the gateway records its value answers', () => {
  const brand = uniqueBrand('answers');
  let gateway: AppProcess;
  let worker: FakeWorker;
  let next = 0;

  before(async () => {
    worker = await FakeWorker.start(required('KAFKA_BROKERS'), brand, (order) =>
      order.restaurantId === REFUSED
        ? spiFailure('pos_error', 'the POS refused it')
        : { value: { orderId: `P-${++next}` } },
    );
    gateway = await startGateway({ ORDER_DEADLINE_MS: String(DEADLINE_MS) });
  });
  after(async () => {
    await stopAll();
    await worker?.stop();
  });

  it('writes decided before each value answer and written after it, and nothing for other answers', async () => {
    const accepted = Array.from({ length: 12 }, () => renamed(example('order-takeout-cash')));
    const refused = Array.from({ length: 3 }, () =>
      renamed(example('order-takeout-cash'), REFUSED),
    );
    const answers = await Promise.all(
      [...accepted, ...refused].map((body) => postOrder(gateway.url, brand, body)),
    );
    const byOrder = new Map<string, Answer>(
      [...accepted, ...refused].map((body, i) => [body.order.id, answers[i]]),
    );
    for (const body of refused) {
      assert.equal(byOrder.get(body.order.id)?.body.error?.code, 'pos_error');
    }

    // `written` follows the response out: it may land a moment after the client has read it.
    let records = await answerRecords(brand);
    for (let i = 0; i < 50 && records.filter((r) => r.kind === 'written').length < 12; i++) {
      await sleep(100);
      records = await answerRecords(brand);
    }
    for (const body of accepted) {
      const answer = byOrder.get(body.order.id)!;
      const posOrderId = answer.body.value?.orderId;
      assert.match(posOrderId ?? JSON.stringify(answer.body), /^P-\d+$/);
      const own = records.filter((r) => r.wixOrderId === body.order.id);
      assert.deepEqual(
        own.map((r) => r.kind),
        ['decided', 'written'],
      );
      assert.equal(own[0].posOrderId, posOrderId);
      assert.equal(own[1].correlationId, own[0].correlationId);
      const request = worker.seen.find((seen) => seen.wixOrderId === body.order.id);
      assert.equal(request?.correlationId, own[0].correlationId);
    }
    const refusedIds = new Set(refused.map((body) => body.order.id));
    assert.deepEqual(
      records.filter((r) => refusedIds.has(r.wixOrderId)),
      [],
    );
    assert.equal(records.length, 24);

    const metrics = await (await fetch(`${gateway.url}/metrics`)).text();
    assert.match(
      metrics,
      new RegExp(`pos_gateway_decisions_total\\{brand="${brand}",outcome="recorded"\\} 12`),
    );
  });

  it('sends the budget left, not a deadline', () => {
    assert.ok(worker.seen.length > 0);
    for (const { budgetMs } of worker.seen) {
      assert.ok(budgetMs > DEADLINE_MS - 1_000 && budgetMs <= DEADLINE_MS, `budget ${budgetMs}`);
    }
  });

  it('answers endpoint_down, sending nothing, for a brand without an answers topic', async () => {
    const bare = uniqueBrand('no-answers');
    const lonely = await FakeWorker.start(
      required('KAFKA_BROKERS'),
      bare,
      () => ({ value: { orderId: 'P-never' } }),
      { answersTopic: false },
    );
    try {
      await sleep(1_100); // the gateway lists topics again at most once a second
      const answer = await postOrder(gateway.url, bare, renamed(example('order-takeout-cash')));
      assert.equal(answer.body.error?.code, 'endpoint_down', JSON.stringify(answer.body));
      assert.match(answer.body.error?.description ?? '', /no answers topic/);
      assert.ok(answer.ms < 1_000, `took ${answer.ms} ms`);
      await sleep(300);
      assert.deepEqual(lonely.seen, []);
    } finally {
      await lonely.stop();
    }
  });
});
