import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { Answer, percentile, postOrder } from './support/http';
import { example, renamed, uniqueBrand } from './support/orders';
import { AppProcess, startGateway, startWorker, stopAll } from './support/processes';

describe('two gateways on one broker', () => {
  const brand = uniqueBrand('gateways');
  let first: AppProcess;
  let second: AppProcess;

  before(async () => {
    await startWorker(brand);
    [first, second] = await Promise.all([startGateway(), startGateway()]);
  });
  after(stopAll);

  const order = () => renamed(example('order-takeout-cash'));

  it('both get every reply meant for them', async () => {
    const answers = await Promise.all(
      Array.from({ length: 100 }, (_, i) =>
        postOrder((i % 2 ? first : second).url, brand, order()),
      ),
    );
    assert.deepEqual(
      answers.filter((answer) => !answer.body.value),
      [],
    );
    assert.equal(new Set(answers.map((answer) => answer.body.value?.orderId)).size, 100);
  });

  it("keeps one gateway's p99 under 1 s while the other stops, crashes and restarts", async () => {
    const answers: Answer[] = [];
    let streaming = true;
    const stream = async () => {
      while (streaming) {
        answers.push(await postOrder(second.url, brand, order()));
        await sleep(20);
      }
    };
    const streams = [stream(), stream(), stream()];

    await sleep(1_000);
    await first.stop('SIGTERM');
    await sleep(500);
    first = await startGateway();
    await sleep(500);
    await first.stop('SIGKILL');
    await sleep(500);
    first = await startGateway();
    await sleep(1_000);
    streaming = false;
    await Promise.all(streams);

    const failed = answers.filter((answer) => !answer.body.value);
    assert.deepEqual(failed, []);
    const latencies = answers.map((answer) => answer.ms);
    const p99 = percentile(latencies, 99);
    console.log(
      `steady stream: ${answers.length} orders, p50 ${percentile(latencies, 50).toFixed(1)} ms, ` +
        `p99 ${p99.toFixed(1)} ms, max ${Math.max(...latencies).toFixed(1)} ms`,
    );
    assert.ok(answers.length > 50, `only ${answers.length} orders streamed`);
    assert.ok(p99 < 1_000, `p99 ${p99} ms`);

    const restarted = await postOrder(first.url, brand, order());
    assert.match(restarted.body.value?.orderId ?? JSON.stringify(restarted.body), /^\d+$/);
  });
});
