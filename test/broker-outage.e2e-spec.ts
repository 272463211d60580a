import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { decodeOrderAnswer, orderAnswersTopic } from '@wix-pos-gateway/contracts';
import { FakeWorker } from './support/fake-worker';
import { readTopic } from './support/kafka';
import { postOrder } from './support/http';
import { example, renamed, uniqueBrand } from './support/orders';
import { PrivateBroker } from './support/private-broker';
import { AppProcess, startGateway, stopAll } from './support/processes';

const DEADLINE_MS = 3_000;

async function ready(gateway: AppProcess): Promise<{ code: number; text: string }> {
  const res = await fetch(`${gateway.url}/health/ready`);
  return { code: res.status, text: await res.text() };
}

/** Polls until `check` holds, or fails after `timeoutMs`. */
async function until(what: string, timeoutMs: number, check: () => Promise<boolean>) {
  const started = performance.now();
  while (!(await check())) {
    if (performance.now() - started > timeoutMs) assert.fail(`not ${what} after ${timeoutMs} ms`);
    await sleep(200);
  }
  return performance.now() - started;
}

describe('a gateway across a broker outage', () => {
  const brand = uniqueBrand('outage');
  const order = () => renamed(example('order-takeout-cash'));
  const accept = () => ({ value: { orderId: 'P-1' } });
  let broker: PrivateBroker;
  let worker: FakeWorker | undefined;
  let gateway: AppProcess;

  before(async () => {
    broker = await PrivateBroker.start();
    worker = await FakeWorker.start(broker.url, brand, accept);
    gateway = await startGateway({
      KAFKA_BROKERS: broker.url,
      ORDER_DEADLINE_MS: String(DEADLINE_MS),
    });
  });
  after(async () => {
    await stopAll();
    await worker?.stop();
    await broker.remove();
  });

  it('stays up, answers endpoint_down at once while the broker is down, and takes orders again after', async () => {
    assert.equal((await postOrder(gateway.url, brand, order())).body.value?.orderId, 'P-1');

    await worker?.stop();
    worker = undefined;
    await broker.stop();
    await until('reported not ready, replies included', 10_000, async () => {
      const { code, text } = await ready(gateway);
      return code === 503 && /"replies":\{"status":"down"\}/.test(text);
    });
    const down = await postOrder(gateway.url, brand, order());
    assert.equal(down.body.error?.code, 'endpoint_down', JSON.stringify(down.body));
    assert.match(down.body.error?.description ?? '', /not connected to Kafka/);
    assert.ok(down.ms < 500, `took ${down.ms} ms`);
    // An outage longer than kafkajs's own retries: a gateway used to exit here.
    await sleep(4_000);
    assert.ok(gateway.running, `the gateway exited:\n${gateway.logs().slice(-3_000)}`);

    await broker.restart();
    worker = await FakeWorker.start(broker.url, brand, accept);
    await until('taking orders again', 20_000, async () => {
      const answer = await postOrder(gateway.url, brand, order());
      return answer.body.value?.orderId === 'P-1';
    });
    assert.equal((await ready(gateway)).code, 200);
    assert.ok(gateway.running);
    assert.match(gateway.logs(), /reconnected after \d+ attempt/);
  });

  it('started while the broker is down, listens and answers endpoint_down at once, then takes orders once it is back', async () => {
    await worker?.stop();
    worker = undefined;
    await broker.stop();
    const late = await startGateway(
      { KAFKA_BROKERS: broker.url, ORDER_DEADLINE_MS: String(DEADLINE_MS) },
      { health: 'live' },
    );
    assert.equal((await ready(late)).code, 503);
    const down = await postOrder(late.url, brand, order());
    assert.equal(down.body.error?.code, 'endpoint_down', JSON.stringify(down.body));
    assert.ok(down.ms < 500, `took ${down.ms} ms`);
    // It stays up and listening while the broker is down.
    await sleep(4_000);
    assert.ok(late.running, `the gateway exited:\n${late.logs().slice(-3_000)}`);

    await broker.restart();
    worker = await FakeWorker.start(broker.url, brand, accept);
    await until('taking orders', 30_000, async () => {
      const answer = await postOrder(late.url, brand, order());
      return answer.body.value?.orderId === 'P-1';
    });
    assert.equal((await ready(late)).code, 200);
    await until('the first gateway taking orders again', 20_000, async () => {
      const answer = await postOrder(gateway.url, brand, order());
      return answer.body.value?.orderId === 'P-1';
    });
  });

  it('marks an order answered just before the broker died as written, once the broker is back', async () => {
    // The kill must land within the mark's 50 ms of waiting for company; on a busy machine the
    // first try may win that race, and the round proves nothing: then it is run again.
    let retried = false;
    for (let round = 1; round <= 3 && !retried; round++) {
      if (round > 1) {
        // The worker went down with the broker: bring one back, and let its marks settle.
        await worker?.stop();
        worker = await FakeWorker.start(broker.url, brand, accept);
        await until('taking orders again', 20_000, async () => {
          const answer = await postOrder(gateway.url, brand, order());
          return answer.body.value?.orderId === 'P-1';
        });
        await sleep(500);
      }
      const logged = gateway.logs().length;
      const sent = order();
      const answered = await postOrder(gateway.url, brand, sent);
      // At once: the gateway's written mark waits 50 ms for company before its first try.
      await broker.kill();
      assert.equal(answered.body.value?.orderId, 'P-1');
      // Longer than one try of a mark, with kafkajs's own retries inside it (5 s).
      await sleep(6_000);
      await broker.restart();

      const kinds = async () => {
        // The broker may still be starting: then nothing is read yet.
        const records = await readTopic(orderAnswersTopic(brand), broker.url).catch(() => []);
        return records
          .map((text) => decodeOrderAnswer(text.split('\n')[1] ?? null))
          .filter((answer) => answer?.wixOrderId === sent.order.id)
          .map((answer) => answer?.kind);
      };
      await until('marked written', 40_000, async () => (await kinds()).includes('written'));
      assert.ok((await kinds()).includes('decided'));
      assert.doesNotMatch(gateway.logs(), /order\.written_not_recorded/);
      // Written by a try after the first, which the kill had failed.
      const attempt = /"event":"order\.written_marks_recorded"[^\n]*"attempt":(\d+)/.exec(
        gateway.logs().slice(logged),
      );
      retried = Number(attempt?.[1]) > 1;
    }
    assert.ok(retried, 'the mark was not written by a retry, in three rounds');
  });
});
