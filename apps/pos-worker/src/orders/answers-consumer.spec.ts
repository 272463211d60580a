import assert from 'node:assert/strict';
import { EventEmitter } from 'node:events';
import { describe, it } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { ConsumerConfig, Kafka } from 'kafkajs';
import { OrderLedger } from '../ledger/order-ledger';
import {
  ANSWERS_FETCH_MIN_BYTES,
  ANSWERS_FETCH_WAIT_MS,
  AnswersConsumer,
} from './answers-consumer';

const EVENTS = { FETCH_START: 'fetch_start', GROUP_JOIN: 'group_join', CRASH: 'crash' };

/** A kafkajs consumer that fetches only when the test says so. */
class FakeConsumer extends EventEmitter {
  readonly events = EVENTS;
  disconnected = false;
  connect = () => Promise.resolve();
  subscribe = () => Promise.resolve();
  run = () => Promise.resolve();
  disconnect = () => Promise.resolve(void (this.disconnected = true));
  join(partitions: number[]) {
    this.emit(EVENTS.GROUP_JOIN, {
      payload: { memberAssignment: { 'pos.answers.b.v1': partitions } },
    });
  }
}

function consumerOf(stallMs: number) {
  const consumers: FakeConsumer[] = [];
  const configs: ConsumerConfig[] = [];
  const kafka = {
    consumer: (config: ConsumerConfig) => {
      configs.push(config);
      return consumers[consumers.push(new FakeConsumer()) - 1];
    },
  };
  const answers = new AnswersConsumer(
    kafka as unknown as Kafka,
    {} as OrderLedger,
    'b',
    {
      maxWaitTimeInMs: ANSWERS_FETCH_WAIT_MS,
      minBytes: ANSWERS_FETCH_MIN_BYTES,
      sessionTimeoutMs: 10_000,
      stallMs,
    },
    () => Promise.resolve(),
  );
  return { answers, consumers, configs };
}

describe('AnswersConsumer', () => {
  it('replaces a consumer that holds partitions and stopped fetching', async () => {
    const { answers, consumers } = consumerOf(200);
    await answers.start(() => undefined);
    consumers[0].join([0, 1]);
    for (let i = 0; i < 5; i += 1) {
      consumers[0].emit(EVENTS.FETCH_START);
      await sleep(60);
    }
    assert.equal(consumers.length, 1, 'a consumer that fetches is kept');
    await sleep(400);
    assert.equal(consumers.length, 2);
    assert.ok(consumers[0].disconnected);
    await sleep(400);
    assert.equal(consumers.length, 2, 'the new one, not joined yet, holds nothing to stall on');
    await answers.close();
  });

  it('keeps a consumer without partitions, which has nothing to fetch', async () => {
    const { answers, consumers } = consumerOf(100);
    await answers.start(() => undefined);
    consumers[0].join([]);
    await sleep(400);
    assert.equal(consumers.length, 1);
    await answers.close();
  });

  it('reads in batches: a fetch waits for its bytes or its time', async () => {
    const { answers, configs } = consumerOf(1_000);
    await answers.start(() => undefined);
    assert.equal(configs[0]?.minBytes, 1024 * 1024);
    assert.equal(configs[0]?.maxWaitTimeInMs, 250);
    assert.equal(configs[0]?.groupId, 'pos-worker.b.answers.v1');
    await answers.close();
  });
});
