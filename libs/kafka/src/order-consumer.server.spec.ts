import assert from 'node:assert/strict';
import { EventEmitter } from 'node:events';
import { describe, it } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { EachBatchPayload, Kafka, KafkaMessage } from 'kafkajs';
import { of } from 'rxjs';
import { OrderConsumerServer } from './order-consumer.server';

const PATTERN = 'test.submit';

function message(offset: number, key: string): KafkaMessage {
  const fields = {
    key: Buffer.from(key),
    value: Buffer.from(JSON.stringify({ key, offset })),
    offset: String(offset),
    timestamp: String(Date.now()),
    attributes: 0,
    size: 0,
    headers: {
      'pos-correlation-id': `c-${offset}`,
      'pos-reply-topic': 'replies',
      'pos-budget-ms': '5000',
      'pos-received-at': String(Date.now()),
    },
  };
  return fields as unknown as KafkaMessage;
}

/** A server with a fake producer, and a batch payload as kafkajs hands one over. */
function serverWith(handler: (order: { body: unknown }) => Promise<unknown>, maxInFlight: number) {
  const server = new OrderConsumerServer(
    {} as Kafka,
    {
      brand: 'test',
      topic: 'orders',
      groupId: 'group',
      pattern: PATTERN,
      maxInFlight,
      maxWaitTimeInMs: 100,
      sessionTimeoutMs: 10_000,
      clockSlackMs: 250,
    },
    { failed: () => ({ failed: true }) },
  );
  const replies: string[] = [];
  const internals = server as unknown as {
    producer: { disconnect: () => Promise<void> };
    sends: { send: (topic: string, messages: Array<{ key: string }>) => Promise<void> };
    schedule: (payload: EachBatchPayload) => Promise<void>;
  };
  internals.producer = { disconnect: () => Promise.resolve() };
  internals.sends = {
    send: (_topic, messages) => Promise.resolve(void replies.push(messages[0].key)),
  };
  server.addHandler(PATTERN, (order: { body: unknown }) => Promise.resolve(of(handler(order))));
  const schedule = (messages: KafkaMessage[]) =>
    internals.schedule({
      batch: { partition: 0, messages },
      resolveOffset: () => undefined,
      heartbeat: () => Promise.resolve(),
      isRunning: () => true,
      isStale: () => false,
    } as unknown as EachBatchPayload);
  return { server, replies, schedule };
}

const EVENTS = { GROUP_JOIN: 'group_join', CRASH: 'crash' };

/** A server on a fake kafkajs whose next `failStarts.left` consumers fail to subscribe. */
function serverOnFakeKafka() {
  const consumers: Array<EventEmitter & { disconnected: boolean }> = [];
  const failStarts = { left: 0 };
  const kafka = {
    producer: () => ({ connect: () => Promise.resolve(), disconnect: () => Promise.resolve() }),
    consumer: () => {
      const failing = failStarts.left-- > 0;
      const consumer = Object.assign(new EventEmitter(), {
        events: EVENTS,
        disconnected: false,
        connect: () => Promise.resolve(),
        subscribe: () =>
          failing ? Promise.reject(new Error('topic not known here yet')) : Promise.resolve(),
        run: () => Promise.resolve(),
        // As kafkajs does for a consumer not running: one that ended, or has not joined yet.
        pause: () => {
          throw new Error('Consumer group was not initialized, consumer#run must be called first');
        },
        disconnect: () => Promise.resolve(void (consumer.disconnected = true)),
      });
      consumers.push(consumer);
      return consumer;
    },
  };
  const server = new OrderConsumerServer(
    kafka as unknown as Kafka,
    {
      brand: 'test',
      topic: 'orders',
      groupId: 'group',
      pattern: PATTERN,
      maxInFlight: 1,
      maxWaitTimeInMs: 100,
      sessionTimeoutMs: 10_000,
      clockSlackMs: 250,
    },
    { failed: () => ({ failed: true }) },
  );
  const listen = () =>
    new Promise<void>((resolve, reject) =>
      server.listen((error) => (error instanceof Error ? reject(error) : resolve())),
    );
  const join = () =>
    consumers.at(-1)!.emit(EVENTS.GROUP_JOIN, { payload: { memberAssignment: { orders: [0] } } });
  const crash = (restart: boolean) =>
    consumers.at(-1)!.emit(EVENTS.CRASH, { payload: { error: new Error('gone'), restart } });
  return { server, consumers, failStarts, listen, join, crash };
}

describe('OrderConsumerServer', () => {
  it('takes a slot when an order starts, so one stuck restaurant leaves the others running', async () => {
    let release!: () => void;
    const stuck = new Promise<void>((resolve) => (release = resolve));
    const { replies, schedule } = serverWith(async ({ body }) => {
      if ((JSON.parse(body as string) as { key: string }).key === 'a') await stuck;
      return { ok: true };
    }, 2);
    await schedule([message(1, 'a'), message(2, 'a'), message(3, 'a'), message(4, 'b')]);
    for (let i = 0; i < 50 && !replies.includes('c-4'); i++) await sleep(10);
    assert.deepEqual(replies, ['c-4'], 'restaurant b was answered while a is stuck');
    release();
    for (let i = 0; i < 50 && replies.length < 4; i++) await sleep(10);
    assert.deepEqual(replies, ['c-4', 'c-1', 'c-2', 'c-3']);
  });

  it('starts nothing queued once closing, and keeps the offset below it', async () => {
    let release!: () => void;
    const stuck = new Promise<void>((resolve) => (release = resolve));
    const { server, replies, schedule } = serverWith(async () => {
      await stuck;
      return { ok: true };
    }, 4);
    await schedule([message(10, 'a'), message(11, 'a')]);
    await sleep(20);
    const closed = server.close();
    release();
    await closed;
    assert.deepEqual(replies, ['c-10']);
    const work = (server as unknown as { work: Map<number, { committable(): number }> }).work;
    assert.equal(work.get(0)?.committable(), 11);
  });

  it('counts the wait behind its restaurant once: in the budget, from arrival', async () => {
    const budgets: number[] = [];
    const { replies, schedule } = serverWith(async (order) => {
      budgets.push((order as unknown as { budgetMs: number }).budgetMs);
      await sleep(300);
      return { ok: true };
    }, 2);
    await schedule([message(20, 'a'), message(21, 'a')]);
    for (let i = 0; i < 100 && replies.length < 2; i++) await sleep(10);
    // Both arrived together with 5 s left: the second's wait is elapsed budget, not age.
    assert.deepEqual(budgets, [5000, 5000]);
  });

  it('counts an order without a valid received-at time from when the worker read it', async () => {
    const seen: number[] = [];
    const { replies, schedule } = serverWith((order) => {
      seen.push((order as unknown as { receivedAt: number }).receivedAt);
      return Promise.resolve({ ok: true });
    }, 4);
    const given = message(1, 'a');
    const missing = message(2, 'b');
    const absurd = message(3, 'c');
    delete (missing.headers as Record<string, unknown>)['pos-received-at'];
    (absurd.headers as Record<string, unknown>)['pos-received-at'] = '1e300';
    const before = Date.now();
    await schedule([given, missing, absurd]);
    for (let i = 0; i < 50 && replies.length < 3; i++) await sleep(10);
    assert.equal(seen.length, 3);
    assert.equal(seen[0], Number(given.headers!['pos-received-at']));
    for (const at of seen.slice(1)) assert.ok(at >= before && at <= Date.now(), String(at));
  });

  it('looks its handler up once, not once per order', async () => {
    const { server, replies, schedule } = serverWith(() => Promise.resolve({ ok: true }), 4);
    let lookups = 0;
    const lookUp = server.getHandlerByPattern.bind(server);
    server.getHandlerByPattern = (pattern: string) => (lookups++, lookUp(pattern));
    await schedule([message(1, 'a'), message(2, 'b'), message(3, 'c')]);
    for (let i = 0; i < 50 && replies.length < 3; i++) await sleep(10);
    assert.equal(replies.length, 3);
    assert.equal(lookups, 1);
  });

  it('starts with a new consumer when a subscription is refused at first', async () => {
    const { server, consumers, failStarts, listen } = serverOnFakeKafka();
    failStarts.left = 1;
    await listen();
    assert.equal(consumers.length, 2);
    assert.ok(consumers[0].disconnected);
    await server.close();
  });

  it('starts a new consumer when kafkajs ends one for good, until one starts', async () => {
    const { server, consumers, failStarts, listen, join, crash } = serverOnFakeKafka();
    await listen();
    join();
    assert.equal(server.isReady, true);
    crash(true);
    await sleep(1_200);
    assert.equal(consumers.length, 1, 'kafkajs restarts this one itself');
    failStarts.left = 1;
    crash(false);
    assert.equal(server.isReady, false);
    for (let i = 0; i < 150 && consumers.length < 3; i++) await sleep(20);
    assert.equal(consumers.length, 3, 'a new one after the end, and again after a failed start');
    assert.ok(consumers[0].disconnected && consumers[1].disconnected);
    join();
    assert.equal(server.isReady, true);
    await sleep(1_200);
    assert.equal(consumers.length, 3, 'the one that started is kept');
    await server.close();
  });

  it('closes while a new consumer is awaited, and starts none after', async () => {
    const { server, consumers, listen, join, crash } = serverOnFakeKafka();
    await listen();
    join();
    crash(false);
    await server.close();
    await sleep(1_200);
    assert.equal(consumers.length, 1);
    assert.equal(server.isReady, false);
  });
});
