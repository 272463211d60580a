import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { OrderAnswer, decodeOrderAnswer } from '@wix-pos-gateway/contracts';
import { AckTimeoutError } from '@wix-pos-gateway/kafka';
import { Message } from 'kafkajs';
import { loadGatewayConfig } from '../config';
import { GatewayMetrics } from '../metrics/gateway-metrics';
import { AnswerPublisher, Decision, OrderAnswers, WRITTEN_LINGER_MS } from './order-answers';

type Write = (timeoutMs: number) => Promise<void>;

const ack: Write = () => Promise.resolve();
const ackAfter =
  (ms: number): Write =>
  () =>
    sleep(ms);
const fail: Write = (timeoutMs) =>
  Promise.reject(new AckTimeoutError(`not acknowledged within ${timeoutMs} ms`));

/** Takes every write; each goes as the next step of its plan says, then as `otherwise` does. */
class FakePublisher extends AnswerPublisher {
  readonly writes: Array<{ topic: string; answer?: OrderAnswer; timeoutMs: number }> = [];
  /** The topic of each publish call: a call is one produce request. */
  readonly requests: string[] = [];

  constructor(
    private readonly plan: Write[] = [],
    private readonly otherwise: Write = ack,
  ) {
    super();
  }

  async publish(topic: string, messages: Message[], { timeoutMs }: { timeoutMs: number }) {
    this.requests.push(topic);
    for (const { value } of messages) {
      this.writes.push({ topic, answer: decodeOrderAnswer(value), timeoutMs });
    }
    await (this.plan.shift() ?? this.otherwise)(timeoutMs);
  }

  kinds(): string[] {
    return this.writes.map((write) => write.answer?.kind ?? 'garbage');
  }
}

const decision: Decision = {
  brand: 'demo',
  wixOrderId: '9001',
  correlationId: 'call-1',
  posOrderId: 'P-17',
};

function setup(plan: Write[] = [], otherwise: Write = ack) {
  const publisher = new FakePublisher(plan, otherwise);
  const metrics = new GatewayMetrics();
  const config = loadGatewayConfig({ ORDER_DEADLINE_MS: '8000' });
  const retry = { forMs: 40, firstWaitMs: 1, lastWaitMs: 1, timeoutMs: 100 };
  const answers = new OrderAnswers(publisher, metrics, config, retry);
  const counted = async (counter: 'decisions' | 'withdrawals', outcome: string) =>
    (await metrics[counter].get()).values.find((v) => v.labels.outcome === outcome)?.value ?? 0;
  return { publisher, answers, counted };
}

describe('OrderAnswers', () => {
  it('records the decision, then answers value; written once the response is out', async () => {
    const { publisher, answers, counted } = setup();
    const deadline = performance.now() + 1_000;

    const response = await answers.decide(decision, deadline);

    assert.deepEqual(response, { value: { orderId: 'P-17' } });
    assert.deepEqual(publisher.writes[0]?.answer, {
      kind: 'decided',
      wixOrderId: '9001',
      correlationId: 'call-1',
      posOrderId: 'P-17',
    });
    assert.equal(publisher.writes[0]?.topic, 'pos.answers.demo.v1');
    const { timeoutMs } = publisher.writes[0];
    assert.ok(timeoutMs > 900 && timeoutMs <= 1_000, `the write had ${timeoutMs} ms`);
    assert.deepEqual(publisher.kinds(), ['decided'], 'nothing more before the response is out');

    answers.written(decision);
    await answers.drain(1_000);
    assert.deepEqual(publisher.kinds(), ['decided', 'written']);
    assert.equal(publisher.writes[1]?.answer?.correlationId, 'call-1');
    assert.equal(await counted('decisions', 'recorded'), 1);
    assert.equal(await counted('withdrawals', 'written'), 0);
  });

  it('answers endpoint_down and withdraws when the acknowledgement comes after the deadline', async () => {
    const { publisher, answers, counted } = setup([ackAfter(60)]);
    const started = performance.now();

    const response = await answers.decide(decision, started + 30);

    assert.equal('error' in response && response.error.code, 'endpoint_down');
    assert.match(JSON.stringify(response), /the answer could not be recorded in time/);
    await answers.drain(1_000);
    assert.deepEqual(publisher.kinds(), ['decided', 'withdrawn']);
    assert.equal(publisher.writes[1]?.answer?.correlationId, 'call-1');
    assert.equal(await counted('decisions', 'not_recorded'), 1);
    assert.equal(await counted('withdrawals', 'written'), 1);
  });

  it('answers endpoint_down and withdraws when the write times out, retrying the withdrawal', async () => {
    const { publisher, answers, counted } = setup([fail, fail]);

    const response = await answers.decide(decision, performance.now() + 50);

    assert.equal('error' in response && response.error.code, 'endpoint_down');
    await answers.drain(1_000);
    assert.deepEqual(publisher.kinds(), ['decided', 'withdrawn', 'withdrawn']);
    assert.equal(await counted('withdrawals', 'written'), 1);
  });

  it('gives a withdrawal up once its time is up, and counts it', async () => {
    const { publisher, answers, counted } = setup([], fail);

    await answers.decide(decision, performance.now() + 50);
    await answers.drain(1_000);

    const [decided, ...rest] = publisher.kinds();
    assert.equal(decided, 'decided');
    assert.ok(rest.length >= 3, `tried ${rest.length} times`);
    assert.ok(rest.every((kind) => kind === 'withdrawn'));
    assert.equal(await counted('withdrawals', 'failed'), 1);
  });

  it('stops retrying when drained, without another try', async () => {
    const publisher = new FakePublisher([], fail);
    const config = loadGatewayConfig({ ORDER_DEADLINE_MS: '8000' });
    const retry = { forMs: 60_000, firstWaitMs: 200, lastWaitMs: 200, timeoutMs: 100 };
    const answers = new OrderAnswers(publisher, new GatewayMetrics(), config, retry);
    answers.written(decision);
    await answers.drain(0);
    assert.deepEqual(publisher.kinds(), ['written']);
    await sleep(300);
    assert.deepEqual(publisher.kinds(), ['written'], 'no try after the drain');
  });

  it('answers endpoint_down past the deadline, even with the decision acknowledged', async () => {
    const { publisher, answers } = setup();
    const response = await answers.decide(decision, performance.now() - 1);
    assert.equal('error' in response && response.error.code, 'endpoint_down');
    await answers.drain(1_000);
    assert.deepEqual(publisher.kinds(), ['decided', 'withdrawn']);
  });

  it('tries a written mark again until it is written, as a withdrawal', async () => {
    const { publisher, answers } = setup([fail, fail]);
    answers.written(decision);
    await answers.drain(1_000);
    assert.deepEqual(publisher.kinds(), ['written', 'written', 'written']);
    assert.ok(publisher.writes.every((write) => write.timeoutMs === 100));
  });

  it('gives a written mark up once its time is up, and answers nothing differently', async () => {
    const { publisher, answers } = setup([], fail);
    answers.written(decision);
    await answers.drain(1_000);
    assert.ok(publisher.kinds().length >= 3, `tried ${publisher.kinds().length} times`);
    assert.ok(publisher.kinds().every((kind) => kind === 'written'));
  });

  it('writes the written marks of a short span together, one request per brand', async () => {
    const { publisher, answers } = setup();
    const calls = ['a', 'b', 'c'].map((id) => ({ ...decision, correlationId: id }));
    for (const call of calls) answers.written(call);
    answers.written({ ...decision, brand: 'other', correlationId: 'd' });
    assert.deepEqual(publisher.requests, [], 'they wait for company');
    await sleep(WRITTEN_LINGER_MS + 50);
    assert.deepEqual(publisher.requests.sort(), ['pos.answers.demo.v1', 'pos.answers.other.v1']);
    assert.deepEqual(publisher.kinds(), ['written', 'written', 'written', 'written']);
    const ids = publisher.writes.map((write) => write.answer?.correlationId);
    assert.deepEqual(ids.sort(), ['a', 'b', 'c', 'd']);

    answers.written({ ...decision, correlationId: 'e' });
    await answers.drain(1_000);
    assert.equal(publisher.requests.length, 3, 'draining writes the marks still waiting');
    answers.written({ ...decision, correlationId: 'f' });
    assert.equal(publisher.requests.length, 4, 'once draining, a mark is written at once');
  });
});
