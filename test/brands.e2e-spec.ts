import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { orderRequestTopic, workerGroupId } from '@wix-pos-gateway/contracts';
import { FakePos } from './support/fake-pos';
import { postOrder } from './support/http';
import { inboxRows } from './support/ledger';
import { testKafka } from './support/kafka';
import { example, renamed, uniqueBrand, wixId } from './support/orders';
import { AppProcess, startGateway, startWorker, stopAll } from './support/processes';

describe('two brands side by side: one on the kitchen-inbox integration, one on http', () => {
  const demo = uniqueBrand('demo');
  const bistro = uniqueBrand('bistro');
  const pos = new FakePos();
  let gateway: AppProcess;
  let workers: Record<string, AppProcess[]>;

  before(async () => {
    const url = await pos.start();
    const http = { POS_INTEGRATION: 'http', POS_HTTP_URL: url };
    // `demo` sets no POS_INTEGRATION: the kitchen-inbox integration is the default.
    const started = await Promise.all([
      startWorker(demo),
      startWorker(demo),
      startWorker(bistro, http),
      startWorker(bistro, http),
    ]);
    workers = { [demo]: started.slice(0, 2), [bistro]: started.slice(2) };
    gateway = await startGateway();
  });
  after(async () => {
    await stopAll();
    await pos.stop({ discard: true });
  });

  it('gives each brand its own topic and consumer group, with both of its workers in it', async () => {
    const admin = testKafka().admin();
    await admin.connect();
    try {
      const topics = await admin.listTopics();
      const { groups } = await admin.describeGroups([workerGroupId(demo), workerGroupId(bistro)]);
      for (const brand of [demo, bistro]) {
        assert.ok(topics.includes(orderRequestTopic(brand)), `no topic for ${brand}`);
        const group = groups.find((g) => g.groupId === workerGroupId(brand));
        assert.equal(group?.members.length, 2, `${brand}: ${JSON.stringify(group)}`);
      }
    } finally {
      await admin.disconnect();
    }
  });

  it('routes every order to its brand: the kitchen inbox for demo, the POS API for bistro', async () => {
    const restaurants = Array.from({ length: 12 }, () => wixId());
    const orders = [demo, bistro].flatMap((brand) =>
      Array.from({ length: 48 }, (_, i) => ({
        brand,
        body: renamed(example('order-takeout-cash'), restaurants[i % restaurants.length]),
      })),
    );
    const answers = await Promise.all(
      orders.map(({ brand, body }) => postOrder(gateway.url, brand, body)),
    );
    assert.deepEqual(
      answers.filter((answer) => !answer.body.value),
      [],
    );

    const inbox = await inboxRows(demo);
    const atPos = pos.liveOrders().map((order) => order.wixOrderId);
    orders.forEach(({ brand, body }, i) => {
      const id = answers[i].body.value?.orderId;
      const ticket = inbox.find((row) => row.wix_order_id === body.order.id);
      if (brand === demo) {
        assert.equal(String(ticket?.ticket), id);
        assert.equal(atPos.includes(body.order.id), false);
      } else {
        assert.equal(ticket, undefined);
        assert.equal(pos.liveOrders().find((o) => o.wixOrderId === body.order.id)?.orderId, id);
      }
    });
    assert.equal(inbox.length, 48);
    assert.equal(atPos.length, 48);

    for (const [brand, pair] of Object.entries(workers)) {
      for (const worker of pair) {
        const metrics = await (await fetch(`${worker.url}/metrics`)).text();
        const accepted = metrics.match(
          /pos_worker_orders_total\{brand="([^"]+)",outcome="accepted"\} (\d+)/,
        );
        assert.equal(accepted?.[1], brand);
        assert.ok(
          Number(accepted?.[2]) > 0,
          `a ${brand} worker (pid ${worker.pid}) took no orders`,
        );
      }
    }
  });
});
