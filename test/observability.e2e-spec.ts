import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { postOrder } from './support/http';
import { example, renamed, uniqueBrand } from './support/orders';
import { PrivateBroker } from './support/private-broker';
import { AppProcess, startGateway, startWorker, stopAll } from './support/processes';

async function get(url: string): Promise<{ code: number; text: string }> {
  const res = await fetch(url);
  return { code: res.status, text: await res.text() };
}

/** The value of one sample of a Prometheus text exposition, or undefined. */
function sample(metrics: string, name: string, labels: string): number | undefined {
  const line = metrics.split('\n').find((l) => l.startsWith(`${name}{${labels}}`));
  return line === undefined ? undefined : Number(line.split(' ').at(-1));
}

describe('health and metrics on every process', () => {
  const brand = uniqueBrand('observed');
  let broker: PrivateBroker;
  let gateway: AppProcess;
  let worker: AppProcess;

  before(async () => {
    broker = await PrivateBroker.start();
    worker = await startWorker(brand, { KAFKA_BROKERS: broker.url });
    gateway = await startGateway({ KAFKA_BROKERS: broker.url });
  });
  after(async () => {
    // Without a broker there is nothing to leave cleanly.
    await Promise.all([gateway, worker].map((app) => app?.stop('SIGKILL')));
    await stopAll();
    await broker.remove();
  });

  it('counts orders, latencies and replies by brand and outcome', async () => {
    assert.ok(
      (await postOrder(gateway.url, brand, renamed(example('order-takeout-cash')))).body.value,
    );
    await postOrder(gateway.url, 'nobody-serves-this', example('order-takeout-cash'));

    const g = (await get(`${gateway.url}/metrics`)).text;
    assert.equal(sample(g, 'pos_gateway_orders_total', `brand="${brand}",outcome="accepted"`), 1);
    assert.equal(
      sample(g, 'pos_gateway_orders_total', 'brand="unknown",outcome="endpoint_down"'),
      1,
    );
    assert.equal(
      sample(g, 'pos_gateway_order_seconds_count', `brand="${brand}",outcome="accepted"`),
      1,
    );
    assert.equal(sample(g, 'pos_gateway_kafka_reply_seconds_count', `brand="${brand}"`), 1);
    assert.match(g, /^pos_gateway_in_flight_orders 0$/m);
    assert.match(g, /^# TYPE pos_gateway_deadline_misses_total counter$/m);

    const w = (await get(`${worker.url}/metrics`)).text;
    assert.equal(sample(w, 'pos_worker_orders_total', `brand="${brand}",outcome="accepted"`), 1);
    const labels = `brand="${brand}",integration="kitchen-inbox",outcome="accepted"`;
    assert.equal(sample(w, 'pos_worker_order_seconds_count', labels), 1);
    assert.equal(sample(w, 'pos_worker_pos_call_seconds_count', labels), 1);
  });

  it('logs one JSON line per order in each process, joined by the correlation id', async () => {
    const body = renamed(example('order-takeout-cash'));
    await postOrder(gateway.url, brand, body);
    const lines = (app: AppProcess, event: string) =>
      app
        .logs()
        .split('\n')
        .filter((line) => line.startsWith('{'))
        .map((line) => JSON.parse(line) as Record<string, unknown>)
        .filter((line) => line.event === event && line.wixOrderId === body.order.id);
    // Log lines travel through pipes: they may arrive a moment after the HTTP answer.
    for (let i = 0; i < 40 && lines(gateway, 'order.answered').length === 0; i++) await sleep(50);
    const [answered] = lines(gateway, 'order.answered');
    const [processed] = lines(worker, 'order.processed');
    assert.equal(typeof answered?.correlationId, 'string');
    assert.equal(processed?.correlationId, answered.correlationId);
    for (const line of [answered, processed]) {
      assert.equal(line.brand, brand);
      assert.equal(line.restaurantId, body.order.restaurantId);
      assert.equal(line.outcome, 'accepted');
      assert.equal(typeof line.durationMs, 'number');
      assert.equal(line.level, 'info');
    }
  });

  it('answers live and ready on both, then not ready when the broker stops', async () => {
    for (const app of [gateway, worker]) {
      assert.equal((await get(`${app.url}/health/live`)).code, 200);
      const ready = await get(`${app.url}/health/ready`);
      assert.equal(ready.code, 200, ready.text);
      assert.match(ready.text, /"kafka":\{"status":"up"\}/);
    }

    await broker.stop();
    for (const app of [gateway, worker]) {
      // Neither exits when kafkajs gives up on a consumer: each starts a new one, not ready
      // meanwhile, and keeps answering its other routes.
      const probe = () => get(`${app.url}/health/ready`).catch(() => ({ code: 0, text: '' }));
      let ready = await probe();
      for (let i = 0; i < 50 && ready.code === 200; i++) {
        await sleep(200);
        ready = await probe();
      }
      assert.ok(app.running, `${app.name} exited:\n${app.logs().slice(-4_000)}`);
      assert.equal(ready.code, 503, `${app.name}: ${ready.text}`);
      assert.match(ready.text, /"error":\{"kafka":\{"status":"down"\}/);
      assert.equal((await get(`${app.url}/health/live`)).code, 200);
      assert.equal((await get(`${app.url}/metrics`)).code, 200);
    }
  });

  it('stays up while kafkajs gives up, and takes orders again once the broker is back', async () => {
    // Longer than kafkajs retries any request (about 23 s): its consumers end or restart.
    await sleep(30_000);
    for (const app of [gateway, worker]) {
      assert.ok(app.running, `${app.name} exited:\n${app.logs().slice(-4_000)}`);
      assert.equal((await get(`${app.url}/health/ready`)).code, 503);
      assert.equal((await get(`${app.url}/health/live`)).code, 200);
    }
    await broker.restart();
    const back = Date.now();
    const ready = async () =>
      (await Promise.all([gateway, worker].map((app) => get(`${app.url}/health/ready`)))).every(
        (r) => r.code === 200,
      );
    while (!(await ready()) && Date.now() - back < 40_000) await sleep(250);
    const answer = await postOrder(gateway.url, brand, renamed(example('order-takeout-cash')));
    console.log(`observability: ready ${Date.now() - back} ms after the broker came back`);
    assert.ok(answer.body.value?.orderId, JSON.stringify(answer.body));
  });
});
