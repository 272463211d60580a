import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { Producer, ProducerBatch } from 'kafkajs';
import { SendQueue } from './send-queue';

/** A producer whose first `failures` requests fail with `fail`, and every one when not given. */
function producer(fail?: Error, failures = Infinity) {
  const requests: ProducerBatch[] = [];
  const fake = {
    sendBatch: (batch: ProducerBatch) => {
      requests.push(batch);
      return fail && requests.length <= failures ? Promise.reject(fail) : Promise.resolve([]);
    },
  };
  return { requests, fake: fake as unknown as Producer };
}

/** What kafkajs reports, after one attempt, of a failure that another may not meet. */
function retriable(message: string): Error {
  return Object.assign(new Error(message), { name: 'KafkaJSNumberOfRetriesExceeded' });
}

const message = (value: string) => ({ key: 'k', value });

describe('SendQueue', () => {
  it('writes what is sent in one turn as one request, by topic, in order', async () => {
    const { requests, fake } = producer();
    const queue = new SendQueue(fake);
    await Promise.all([
      queue.send('a', [message('1')], 100),
      queue.send('b', [message('2')], 300),
      queue.send('a', [message('3')], 200),
    ]);
    assert.equal(requests.length, 1);
    assert.equal(requests[0].acks, -1);
    assert.ok(requests[0].timeout! > 290 && requests[0].timeout! <= 300, `${requests[0].timeout}`);
    assert.deepEqual(
      requests[0].topicMessages?.map((t) => [t.topic, t.messages.map((m) => m.value)]),
      [
        ['a', ['1', '3']],
        ['b', ['2']],
      ],
    );
    await queue.send('a', [message('4')], 100);
    assert.equal(requests.length, 2);
  });

  it('keeps a request under 512 KB, and sends a larger message alone', async () => {
    const { requests, fake } = producer();
    const queue = new SendQueue(fake);
    const big = 'x'.repeat(300 * 1024);
    await Promise.all([
      queue.send('a', [message(big)], 100),
      queue.send('a', [message(big)], 100),
      queue.send('a', [message('x'.repeat(600 * 1024))], 100),
      queue.send('a', [message('small')], 100),
    ]);
    assert.deepEqual(
      requests.map((r) => r.topicMessages?.[0].messages.length),
      [1, 1, 1, 1],
    );
  });

  it('sends a batch again whole after a failure that may pass, and each caller hears once', async () => {
    const { requests, fake } = producer(retriable('This server is not the leader'), 2);
    const queue = new SendQueue(fake);
    await Promise.all([
      queue.send('a', [message('1')], 2_000),
      queue.send('b', [message('2')], 2_000),
    ]);
    assert.equal(requests.length, 3);
    for (const request of requests.slice(1)) {
      assert.deepEqual(request.topicMessages, requests[0].topicMessages);
    }
  });

  it('stops sending a failing batch at its longest timeout, and rejects its callers', async () => {
    const { requests, fake } = producer(retriable('broker down'));
    const queue = new SendQueue(fake);
    const started = performance.now();
    const results = await Promise.allSettled([
      queue.send('a', [message('1')], 250),
      queue.send('a', [message('2')], 50),
    ]);
    const took = performance.now() - started;
    assert.deepEqual(
      results.map((r) => r.status),
      ['rejected', 'rejected'],
    );
    assert.ok(requests.length >= 2, `${requests.length} requests`);
    assert.ok(took < 400, `took ${took} ms`);
  });

  it('rejects every caller whose messages the failed request carried', async () => {
    const { fake } = producer(new Error('broker down'));
    const queue = new SendQueue(fake);
    const results = await Promise.allSettled([
      queue.send('a', [message('1')], 100),
      queue.send('b', [message('2')], 100),
    ]);
    assert.deepEqual(
      results.map((r) => r.status),
      ['rejected', 'rejected'],
    );
  });
});
