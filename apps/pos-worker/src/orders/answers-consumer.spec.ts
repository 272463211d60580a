import assert from 'node:assert/strict';
import { EventEmitter } from 'node:events';
import { describe, it } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { encodeOrderAnswer, OrderAnswer } from '@wix-pos-gateway/contracts';
import { ConsumerConfig, ConsumerRunConfig, EachBatchPayload, Kafka } from 'kafkajs';
import { OrderLedger } from '../ledger/order-ledger';
import {
  ANSWERS_FETCH_MIN_BYTES,
  ANSWERS_FETCH_WAIT_MS,
  AnswersConsumer,
  MarkedOrders,
} from './answers-consumer';

const EVENTS = { FETCH_START: 'fetch_start', GROUP_JOIN: 'group_join', CRASH: 'crash' };

/** A kafkajs consumer that fetches only when the test says so. */
class FakeConsumer extends EventEmitter {
  readonly events = EVENTS;
  disconnected = false;
  connect = () => Promise.resolve();
  subscribe = () => Promise.resolve();
  runConfig?: ConsumerRunConfig;
  run = (config: ConsumerRunConfig) => Promise.resolve(void (this.runConfig = config));
  disconnect = () => Promise.resolve(void (this.disconnected = true));
  join(partitions: number[]) {
    this.emit(EVENTS.GROUP_JOIN, {
      payload: { memberAssignment: { 'pos.answers.b.v1': partitions } },
    });
  }
}

function consumerOf(
  stallMs: number,
  ledger = {} as OrderLedger,
  marked: (marks: MarkedOrders) => Promise<void> = () => Promise.resolve(),
) {
  const consumers: FakeConsumer[] = [];
  const configs: ConsumerConfig[] = [];
  /** How many of the next consumers fail to connect. */
  const failStarts = { left: 0 };
  const kafka = {
    consumer: (config: ConsumerConfig) => {
      configs.push(config);
      const consumer = new FakeConsumer();
      if (failStarts.left-- > 0) consumer.connect = () => Promise.reject(new Error('no broker'));
      return consumers[consumers.push(consumer) - 1];
    },
  };
  const answers = new AnswersConsumer(
    kafka as unknown as Kafka,
    ledger,
    'b',
    {
      maxWaitTimeInMs: ANSWERS_FETCH_WAIT_MS,
      minBytes: ANSWERS_FETCH_MIN_BYTES,
      sessionTimeoutMs: 10_000,
      stallMs,
    },
    marked,
  );
  return { answers, consumers, configs, failStarts };
}

describe('AnswersConsumer', () => {
  it('replaces a consumer that holds partitions and stopped fetching', async () => {
    const { answers, consumers } = consumerOf(200);
    await answers.start();
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

  it('replaces a consumer kafkajs ended for good, and tries again until a new one starts', async () => {
    const { answers, consumers, failStarts } = consumerOf(200);
    await answers.start();
    consumers[0].join([0]);
    consumers[0].emit(EVENTS.CRASH, { payload: { error: new Error('gone'), restart: true } });
    await sleep(50);
    assert.equal(consumers.length, 1, 'kafkajs restarts this one itself');
    failStarts.left = 2;
    const crash = { error: new Error('Failed to find group coordinator'), restart: false };
    consumers[0].emit(EVENTS.CRASH, { payload: crash });
    for (let i = 0; i < 100 && consumers.length < 4; i++) await sleep(20);
    assert.ok(consumers[0].disconnected);
    assert.equal(consumers.length, 4, 'a new one after each failed start');
    await sleep(400);
    assert.equal(consumers.length, 4, 'the one that started is kept');
    await answers.close();
  });

  it('leaves a consumer kafkajs restarts to kafkajs until it joins again', async () => {
    const { answers, consumers } = consumerOf(200);
    await answers.start();
    consumers[0].join([0]);
    consumers[0].emit(EVENTS.CRASH, { payload: { error: new Error('gone'), restart: true } });
    await sleep(500);
    assert.equal(consumers.length, 1);
    consumers[0].join([0]);
    await sleep(500);
    assert.equal(consumers.length, 2, 'joined again and stalled: replaced');
    await answers.close();
  });

  it('leaves nothing connected when a start fails, so that the start can be tried again', async () => {
    const { answers, consumers, failStarts } = consumerOf(200);
    failStarts.left = 1;
    await assert.rejects(answers.start(), /no broker/);
    assert.ok(consumers[0].disconnected);
    await answers.start();
    assert.equal(consumers.length, 2);
    await answers.close();
  });

  it('keeps a consumer without partitions, which has nothing to fetch', async () => {
    const { answers, consumers } = consumerOf(100);
    await answers.start();
    consumers[0].join([]);
    await sleep(400);
    assert.equal(consumers.length, 1);
    await answers.close();
  });

  it('reads in batches: a fetch waits for its bytes or its time', async () => {
    const { answers, configs } = consumerOf(1_000);
    await answers.start();
    assert.equal(configs[0]?.minBytes, 1024 * 1024);
    assert.equal(configs[0]?.maxWaitTimeInMs, 250);
    assert.equal(configs[0]?.groupId, 'pos-worker.b.answers.v1');
    await answers.close();
  });

  it("records a fetch's batches with one statement and commits them with one request", async () => {
    const { round, recorded, marked, commits, resolved, close } = await rounds();
    // One fetch: three partitions' batches, handed over in one turn; partition 2's went stale.
    await Promise.all([round(0, 7), round(1, 3), round(2, 5, { stale: true })]);
    assert.deepEqual(
      recorded.map((statement) => statement.map((a) => a.wixOrderId)),
      [['w0', 'w1', 'w2']],
    );
    assert.deepEqual(
      marked,
      [{ withdrawn: [], written: ['w0', 'w1'] }],
      'the written marks of the batches held are judged',
    );
    assert.deepEqual(resolved, ['0@7', '1@3']);
    assert.deepEqual(commits, [
      {
        topics: [
          {
            topic: 'pos.answers.b.v1',
            partitions: [
              { partition: 0, offset: '8' },
              { partition: 1, offset: '4' },
            ],
          },
        ],
      },
    ]);
    // The next fetch is a round of its own.
    await round(0, 9);
    assert.equal(recorded.length, 2);
    assert.equal(commits.length, 2);
    await close();
  });

  it('fails every batch of a round whose commit fails, and resolves none: they are read again', async () => {
    const { round, commits, resolved, close } = await rounds({ commitFails: true });
    const outcomes = await Promise.allSettled([round(0, 7), round(1, 3)]);
    assert.deepEqual(
      outcomes.map((o) => o.status),
      ['rejected', 'rejected'],
    );
    assert.equal(commits.length, 1);
    assert.deepEqual(resolved, []);
    await close();
  });

  it('records a large round in statements of 5,000 answers at most', async () => {
    const { round, recorded, commits, close } = await rounds();
    await Promise.all([round(0, 6_999, { count: 7_000 }), round(1, 4_999, { count: 5_000 })]);
    assert.deepEqual(
      recorded.map((statement) => statement.length),
      [5_000, 5_000, 2_000],
    );
    assert.equal(commits.length, 1);
    await close();
  });
});

/** An answers consumer, and a way to hand it a partition's batch as kafkajs would. */
async function rounds({ commitFails = false } = {}) {
  const recorded: OrderAnswer[][] = [];
  const ledger = {
    recordAnswers: (_brand: string, answers: OrderAnswer[]) =>
      Promise.resolve(void recorded.push(answers)),
  } as unknown as OrderLedger;
  const marked: MarkedOrders[] = [];
  const { answers, consumers } = consumerOf(10_000, ledger, (marks) =>
    Promise.resolve(void marked.push(marks)),
  );
  await answers.start();
  const run = consumers[0].runConfig!;
  assert.equal(run.partitionsConsumedConcurrently, 64);
  const commits: unknown[] = [];
  const resolved: string[] = [];
  const round = (partition: number, lastOffset: number, { stale = false, count = 1 } = {}) =>
    run.eachBatch!({
      batch: {
        topic: 'pos.answers.b.v1',
        partition,
        messages: Array.from({ length: count }, () => ({
          value: Buffer.from(
            encodeOrderAnswer({ kind: 'written', wixOrderId: `w${partition}`, correlationId: 'c' })
              .value,
          ),
        })),
        lastOffset: () => String(lastOffset),
      },
      isRunning: () => true,
      isStale: () => stale,
      resolveOffset: (offset: string) => void resolved.push(`${partition}@${offset}`),
      heartbeat: () => Promise.resolve(),
      commitOffsetsIfNecessary: (offsets: unknown) => {
        commits.push(offsets);
        return commitFails ? Promise.reject(new Error('not the coordinator')) : Promise.resolve();
      },
    } as unknown as EachBatchPayload);
  return { round, recorded, marked, commits, resolved, close: () => answers.close() };
}
