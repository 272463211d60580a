import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { ensureTopics } from '@app/kafka';
import { Client } from 'pg';
import { postOrder } from './support/http';
import { sql } from './support/ledger';
import { testKafka } from './support/kafka';
import { example, renamed, uniqueBrand, wixId } from './support/orders';
import { AppProcess, required, startGateway, startWorker, stopAll } from './support/processes';

describe('the POS worker', () => {
  const brand = uniqueBrand('worker');
  const topic = `pos.orders.${brand}.v1`;
  const replyTopic = `test.replies.${brand}`;
  const kafka = testKafka();
  const producer = kafka.producer();
  const consumer = kafka.consumer({ groupId: `test-${brand}`, maxWaitTimeInMs: 100 });
  const replies = new Map<string, unknown>();
  let gateway: AppProcess;

  before(async () => {
    // One partition: every restaurant's orders share it, so only the worker keeps them apart.
    await startWorker(brand, {
      REQUEST_TOPIC_PARTITIONS: '1',
      REQUEST_TOPIC_RETENTION_MS: '600000',
    });
    gateway = await startGateway();
    const admin = kafka.admin();
    await admin.connect();
    await admin.createTopics({ topics: [{ topic: replyTopic, numPartitions: 1 }] });
    await admin.disconnect();
    await producer.connect();
    await consumer.connect();
    await consumer.subscribe({ topic: replyTopic, fromBeginning: true });
    await consumer.run({
      eachMessage: async ({ message }) => {
        const id = message.headers?.['pos-correlation-id']?.toString() ?? '';
        replies.set(id, JSON.parse(message.value?.toString() ?? 'null'));
      },
    });
  });
  after(async () => {
    await Promise.all([producer.disconnect(), consumer.disconnect()]);
    await stopAll();
  });

  async function request(
    value: string,
    { correlationId = randomUUID(), deadlineInMs = 8_000, waitMs = 5_000 } = {},
  ): Promise<unknown> {
    await producer.send({
      topic,
      acks: -1,
      messages: [
        {
          key: 'restaurant',
          value,
          headers: {
            'pos-correlation-id': correlationId,
            'pos-reply-topic': replyTopic,
            'pos-deadline': String(Date.now() + deadlineInMs),
            'pos-received-at': String(Date.now()),
          },
        },
      ],
    });
    for (let i = 0; i < waitMs / 50 && !replies.has(correlationId); i++) await sleep(50);
    return replies.get(correlationId);
  }

  it('creates its topic up front with the configured partitions and retention', async () => {
    const admin = kafka.admin();
    await admin.connect();
    const [metadata] = (await admin.fetchTopicMetadata({ topics: [topic] })).topics;
    const configs = await admin.describeConfigs({
      includeSynonyms: false,
      resources: [{ type: 2, name: topic, configNames: ['retention.ms'] }],
    });
    await admin.disconnect();
    assert.equal(metadata?.partitions.length, 1);
    assert.equal(configs.resources[0]?.configEntries[0]?.configValue, '600000');
  });

  it('shortens the retention of a topic created before with a longer one', async () => {
    const second = await startWorker(brand, {
      REQUEST_TOPIC_PARTITIONS: '1',
      REQUEST_TOPIC_RETENTION_MS: '300000',
    });
    await second.stop();
    const admin = kafka.admin();
    await admin.connect();
    const configs = await admin.describeConfigs({
      includeSynonyms: false,
      resources: [{ type: 2, name: topic, configNames: ['retention.ms', 'segment.ms'] }],
    });
    await admin.disconnect();
    assert.deepEqual(
      configs.resources[0]?.configEntries.map((e) => [e.configName, e.configValue]).sort(),
      [
        ['retention.ms', '300000'],
        ['segment.ms', '300000'],
      ],
    );
  });

  it('lets workers that start together all create the same topic and see it led', async () => {
    const shared = `test.created-together.${brand}`;
    const spec = { topic: shared, partitions: 6, replicationFactor: 1, retentionMs: 600_000 };
    await Promise.all(Array.from({ length: 4 }, () => ensureTopics(testKafka(), [spec])));
    const admin = kafka.admin();
    await admin.connect();
    const [metadata] = (await admin.fetchTopicMetadata({ topics: [shared] })).topics;
    await admin.disconnect();
    assert.equal(metadata?.partitions.filter((p) => p.leader >= 0).length, 6);
  });

  it('answers pos_error to a message it cannot read, and keeps serving', async () => {
    const garbage = await request('{"menu": not json');
    assert.deepEqual(garbage, {
      error: { code: 'pos_error', description: 'the order message is not valid JSON' },
    });

    const invalid = (await request(JSON.stringify({ menu: { items: [] }, order: { id: 7 } }))) as {
      error: { code: string; description: string };
    };
    assert.equal(invalid.error.code, 'pos_error');
    assert.match(invalid.error.description, /order\.id must be a string/);

    const valid = (await request(JSON.stringify(renamed(example('order-takeout-cash'))))) as {
      value: { orderId: string };
    };
    assert.match(valid.value.orderId, /^\d+$/);
  });

  /** What a gateway sends when an acceptance reached it after it had answered `endpoint_down`. */
  async function askVoid(wixOrderId: string, correlationId: string): Promise<void> {
    await producer.send({
      topic,
      acks: -1,
      messages: [
        {
          key: 'restaurant',
          value: JSON.stringify({ void: { wixOrderId } }),
          headers: { 'pos-void': wixOrderId, 'pos-correlation-id': correlationId },
        },
      ],
    });
  }

  async function stateOf(wixOrderId: string): Promise<string | undefined> {
    const rows = await sql<{ state: string }>(
      'SELECT state FROM order_ledger WHERE brand = $1 AND wix_order_id = $2',
      [brand, wixOrderId],
    );
    return rows[0]?.state;
  }

  /** A new order, as the message body a gateway sends, and its Wix id. */
  function newOrder(): { body: string; id: string } {
    const order = renamed(example('order-takeout-cash'), wixId());
    return { body: JSON.stringify(order), id: order.order.id };
  }

  /** As a worker that stopped after the POS call leaves an order: `submitting`, past due. */
  async function leaveSubmitting(wixOrderId: string, secondsPastDeadline: number): Promise<void> {
    await sql(
      `UPDATE order_ledger SET state = 'submitting', deadline = now() - make_interval(secs => $3)
        WHERE brand = $1 AND wix_order_id = $2`,
      [brand, wixOrderId, secondsPastDeadline],
    );
  }

  /** The order's state once it is `voided`, or after `tries` looks 100 ms apart. */
  async function settledState(wixOrderId: string, tries: number): Promise<string | undefined> {
    for (let i = 0; i < tries && (await stateOf(wixOrderId)) !== 'voided'; i++) await sleep(100);
    return stateOf(wixOrderId);
  }

  it('answers a request seen past its deadline with the id an earlier delivery placed, and voids only for the request that last heard it', async () => {
    const { body, id } = newOrder();
    const [first, retry, late] = [randomUUID(), randomUUID(), randomUUID()];
    const placed = (await request(body, { correlationId: first })) as {
      value: { orderId: string };
    };
    assert.deepEqual(await request(body, { correlationId: retry }), placed);

    // The first request's gateway gave up on it, but Wix's retry heard the id: no void.
    await askVoid(id, first);
    // Past its deadline: not started, but the id it would get is still sent, for its gateway.
    assert.deepEqual(await request(body, { correlationId: late, deadlineInMs: -1 }), placed);
    assert.equal(await stateOf(id), 'accepted');

    // The late request is now the last to hear the id; its gateway gave up on it: voided.
    await askVoid(id, late);
    assert.equal(await settledState(id, 50), 'voided');
  });

  it('voids an attempt a dead worker left submitting, when a request for it comes past its deadline', async () => {
    const { body, id } = newOrder();
    await request(body);
    // As a worker killed after the POS call leaves it: the POS has the order, the ledger not.
    await leaveSubmitting(id, 1);
    const correlationId = randomUUID();
    await request(body, { correlationId, deadlineInMs: -1, waitMs: 0 });
    assert.equal(await settledState(id, 50), 'voided');
    assert.equal(replies.has(correlationId), false, 'nothing was answered for it');
    const [inbox] = await sql<{ voided: boolean }>(
      `SELECT voided_at IS NOT NULL AS voided FROM pos_inbox
        WHERE brand = $1 AND wix_order_id = $2`,
      [brand, id],
    );
    assert.deepEqual(inbox, { voided: true });
  });

  it('voids, unasked, an attempt left submitting well past its deadline', async () => {
    const { body, id } = newOrder();
    await request(body);
    // As a worker that lost its database after the POS call leaves it, with no retry to come.
    await leaveSubmitting(id, 11);
    assert.equal(await settledState(id, 80), 'voided');
  });

  it('does not let one slow order hold up other restaurants, and keeps each restaurant in order', async () => {
    const slow = renamed(example('order-takeout-cash'), wixId());
    const behindSlow = renamed(example('order-takeout-cash'), slow.order.restaurantId);
    const others = Array.from({ length: 5 }, () => renamed(example('order-takeout-cash'), wixId()));

    // Hold the ledger row of the slow order: the worker's claim waits for this transaction.
    const blocker = new Client({ connectionString: required('DATABASE_URL') });
    await blocker.connect();
    await blocker.query('BEGIN');
    await blocker.query(
      `INSERT INTO order_ledger (brand, wix_order_id, restaurant_id, idempotency_key, state,
                                attempts, lines, received_at, deadline)
       VALUES ($1, $2, $3, 'blocker', 'failed', 1, '[]', now(), now())`,
      [brand, slow.order.id, slow.order.restaurantId],
    );
    const finished: string[] = [];
    const post = (body: typeof slow) =>
      postOrder(gateway.url, brand, body).then((answer) => {
        finished.push(body.order.id);
        return answer;
      });
    const slowAnswer = post(slow);
    await sleep(200);
    const behindAnswer = post(behindSlow);
    await sleep(200);
    const otherAnswers = await Promise.all(others.map(post));
    for (const answer of otherAnswers) assert.match(answer.body.value?.orderId ?? '', /^\d+$/);
    assert.deepEqual(new Set(finished), new Set(others.map((body) => body.order.id)));
    assert.equal(finished.includes(slow.order.id), false);
    assert.equal(finished.includes(behindSlow.order.id), false);

    await sleep(500);
    await blocker.query('ROLLBACK');
    await blocker.end();
    const [slowDone, behindDone] = await Promise.all([slowAnswer, behindAnswer]);
    assert.match(slowDone.body.value?.orderId ?? JSON.stringify(slowDone.body), /^\d+$/);
    assert.match(behindDone.body.value?.orderId ?? JSON.stringify(behindDone.body), /^\d+$/);
    assert.ok(finished.indexOf(slow.order.id) < finished.indexOf(behindSlow.order.id));
  });
});
