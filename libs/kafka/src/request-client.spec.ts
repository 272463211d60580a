import assert from 'node:assert/strict';
import { EventEmitter } from 'node:events';
import { describe, it } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { OrderHeader } from '@wix-pos-gateway/contracts';
import { Kafka, Message, ProducerBatch, ProducerRecord } from 'kafkajs';
import {
  AckTimeoutError,
  KafkaRequestClient,
  KafkaUnavailableError,
  ReplyDeadlineError,
} from './request-client';

const events = { FETCH: 'consumer.fetch', CRASH: 'consumer.crash' };

/** Just enough of a kafkajs consumer: it fetches once it runs, and crashes when told. */
class FakeConsumer {
  readonly events = events;
  private readonly emitter = new EventEmitter();
  eachMessage?: (payload: { message: Message }) => Promise<void>;
  disconnected = false;

  on(event: string, listener: (...args: unknown[]) => void) {
    this.emitter.on(event, listener);
    return () => this.emitter.off(event, listener);
  }

  emit(event: string, payload: unknown): void {
    this.emitter.emit(event, payload);
  }

  connect = () => Promise.resolve();
  subscribe = () => Promise.resolve();
  disconnect = () => {
    this.disconnected = true;
    return Promise.resolve();
  };
  run = (config: { eachMessage: FakeConsumer['eachMessage'] }) => {
    this.eachMessage = config.eachMessage;
    setImmediate(() => this.emit(events.FETCH, {}));
    return Promise.resolve();
  };

  crash(message: string): void {
    this.emit(events.CRASH, { payload: { error: new Error(message), restart: false } });
  }

  reply(correlationId: string, value: unknown): Promise<void> {
    const headers = { [OrderHeader.CorrelationId]: correlationId };
    return this.eachMessage!({ message: { value: JSON.stringify(value), headers } });
  }
}

/** A producer whose sends go as `outcome` says: acknowledged at once unless told otherwise. */
class FakeProducer {
  /** What was sent, a record per topic of each request. */
  readonly sent: ProducerRecord[] = [];
  sendBatch = (batch: ProducerBatch): Promise<unknown> => {
    for (const { topic, messages } of batch.topicMessages ?? []) {
      this.sent.push({ topic, messages, acks: batch.acks, timeout: batch.timeout });
    }
    return this.outcome();
  };
  outcome: () => Promise<unknown> = () => Promise.resolve([]);
  connect = () => Promise.resolve();
  disconnect = () => Promise.resolve();
}

function fakeKafka(fetchSilenceMs?: number) {
  const consumers: FakeConsumer[] = [];
  const producers: FakeProducer[] = [];
  const kafka = {
    consumer: () => consumers[consumers.push(new FakeConsumer()) - 1],
    producer: () => producers[producers.push(new FakeProducer()) - 1],
  } as unknown as Kafka;
  const client = new KafkaRequestClient(kafka, {
    instanceId: 'test',
    maxWaitTimeInMs: 100,
    fetchSilenceMs,
  });
  return { client, consumers, producers };
}

const packet = (deadline: number) => ({
  key: 'r1',
  value: '{}',
  deadline,
  correlationId: 'c1',
  headers: { [OrderHeader.ReceivedAt]: '1' },
});

describe('KafkaRequestClient', () => {
  it('sends the budget left and resolves with the reply', async () => {
    const { client, consumers, producers } = fakeKafka();
    await client.connect();
    const reply = client.request('orders', packet(performance.now() + 2_000));
    await new Promise(setImmediate); // sends go out once per turn of the event loop
    const headers = producers[0].sent[0].messages[0].headers!;
    const budget = Number(headers[OrderHeader.Budget]);
    assert.ok(budget > 1_900 && budget <= 2_000, `budget ${budget}`);
    assert.equal(headers[OrderHeader.CorrelationId], 'c1');
    assert.equal(headers[OrderHeader.ReceivedAt], '1');
    await consumers[0].reply('c1', { value: { orderId: 'P-1' } });
    assert.deepEqual(await reply, { value: { orderId: 'P-1' } });
    assert.equal(client.inFlight, 0);
  });

  it('gives a request up at its deadline, and at once when it cannot be produced', async () => {
    const { client, producers } = fakeKafka();
    await client.connect();
    await assert.rejects(
      client.request('orders', packet(performance.now() + 20)),
      ReplyDeadlineError,
    );
    producers[0].outcome = () => Promise.reject(new Error('broker gone'));
    const started = performance.now();
    await assert.rejects(
      client.request('orders', packet(performance.now() + 5_000)),
      /broker gone/,
    );
    assert.ok(performance.now() - started < 100);
  });

  it('rejects a write not acknowledged within its timeout', async () => {
    const { client, producers } = fakeKafka();
    await client.connect();
    producers[0].outcome = () => new Promise(() => undefined);
    await assert.rejects(
      client.publish('answers', [{ value: 'x' }], { timeoutMs: 20 }),
      AckTimeoutError,
    );
    producers[0].outcome = () => Promise.resolve([]);
    await client.publish('answers', [{ value: 'x' }], { timeoutMs: 20 });
    assert.equal(producers[0].sent.at(-1)!.acks, -1);
  });

  it('is not ready once its consumer has not fetched for a while, unless its own loop was held', async () => {
    const { client } = fakeKafka(600);
    await client.connect();
    assert.equal(client.isReady, true);
    // A turn that runs long (a large body parsed) lets no fetch be seen: that silence is not Kafka's.
    const end = performance.now() + 1_500;
    while (performance.now() < end);
    assert.equal(client.isReady, true);
    // The fake consumer fetched once: with the loop free, its silence counts.
    await sleep(900);
    assert.equal(client.isReady, false);
    await client.close();
  });

  it('reconnects with a new consumer and producer after a crash, refusing requests meanwhile', async () => {
    const { client, consumers, producers } = fakeKafka();
    await client.connect();
    assert.equal(client.isReady, true);

    consumers[0].crash('Failed to find group coordinator');
    assert.equal(client.isReady, false);
    await assert.rejects(
      client.request('orders', packet(performance.now() + 1_000)),
      KafkaUnavailableError,
    );
    await assert.rejects(
      client.publish('answers', [{ value: 'x' }], { timeoutMs: 100 }),
      KafkaUnavailableError,
    );

    for (let i = 0; i < 50 && !client.isReady; i++) await sleep(20);
    assert.equal(client.isReady, true);
    assert.equal(consumers.length, 2);
    assert.equal(producers.length, 2);
    assert.equal(consumers[0].disconnected, true);
    await client.close();
    assert.equal(client.isReady, false);
  });
});
