import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { OrderAnswer, encodeOrderAnswer, orderAnswersTopic } from '@wix-pos-gateway/contracts';
import { ensureTopics } from '@wix-pos-gateway/kafka';
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
  const answersTopic = orderAnswersTopic(brand);
  let gateway: AppProcess;
  let worker: AppProcess;
  const workerEnv = {
    REQUEST_TOPIC_PARTITIONS: '1',
    REQUEST_TOPIC_RETENTION_MS: '600000',
    ORDER_SETTLE_MS: '1000',
    RECONCILE_EVERY_MS: '200',
  };

  before(async () => {
    // One partition: every restaurant's orders share it, so only the worker keeps them apart.
    worker = await startWorker(brand, workerEnv);
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
    { correlationId = randomUUID(), budgetMs = 8_000, waitMs = 5_000 } = {},
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
            'pos-budget-ms': String(budgetMs),
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

  /** What a gateway records on the answers topic about the answer it gave Wix. */
  async function record(...answers: OrderAnswer[]): Promise<void> {
    await producer.send({
      topic: answersTopic,
      acks: -1,
      messages: answers.map(encodeOrderAnswer),
    });
  }

  async function rowOf(wixOrderId: string) {
    const rows = await sql<{ state: string; in_doubt: boolean; pos_order_id: string | null }>(
      'SELECT state, in_doubt, pos_order_id FROM order_ledger WHERE brand = $1 AND wix_order_id = $2',
      [brand, wixOrderId],
    );
    return rows[0];
  }

  /** The order's row once its state is one of `states`, or after `tries` looks 100 ms apart. */
  async function settled(wixOrderId: string, states: string[], tries = 80) {
    for (let i = 0; i < tries; i++) {
      const row = await rowOf(wixOrderId);
      if (row && states.includes(row.state)) return row;
      await sleep(100);
    }
    return rowOf(wixOrderId);
  }

  async function inboxVoided(wixOrderId: string): Promise<boolean | undefined> {
    const [inbox] = await sql<{ voided: boolean }>(
      `SELECT voided_at IS NOT NULL AS voided FROM pos_inbox WHERE brand = $1 AND wix_order_id = $2`,
      [brand, wixOrderId],
    );
    return inbox?.voided;
  }

  /** A new order, as the message body a gateway sends, and its Wix id. */
  function newOrder(): { body: string; id: string } {
    const order = renamed(example('order-takeout-cash'), wixId());
    return { body: JSON.stringify(order), id: order.order.id };
  }

  /** Accepted with a short budget, so that the reconciler gets to it soon. */
  async function accepted(body: string, correlationId = randomUUID()): Promise<string> {
    const answer = (await request(body, { correlationId, budgetMs: 2_000 })) as {
      value?: { orderId: string };
    };
    assert.ok(answer.value, JSON.stringify(answer));
    return answer.value.orderId;
  }

  it('confirms an acceptance a gateway recorded, and never voids it', async () => {
    const { body, id } = newOrder();
    const correlationId = randomUUID();
    const posOrderId = await accepted(body, correlationId);
    assert.equal((await rowOf(id))?.state, 'accepted');
    await record(
      { kind: 'decided', wixOrderId: id, correlationId, posOrderId },
      { kind: 'written', wixOrderId: id, correlationId },
    );
    assert.deepEqual(await settled(id, ['confirmed', 'voided']), {
      state: 'confirmed',
      in_doubt: false,
      pos_order_id: posOrderId,
    });
    await sleep(1_500);
    assert.equal((await rowOf(id))?.state, 'confirmed');
    assert.equal(await inboxVoided(id), false);
  });

  it('voids an acceptance no gateway recorded, once the answers prove none can come', async () => {
    const { body, id } = newOrder();
    await accepted(body);
    assert.equal((await settled(id, ['voided', 'confirmed']))?.state, 'voided');
    assert.equal(await inboxVoided(id), true);
  });

  it('voids an acceptance whose only decision was withdrawn', async () => {
    const { body, id } = newOrder();
    const correlationId = randomUUID();
    const posOrderId = await accepted(body, correlationId);
    await record(
      { kind: 'decided', wixOrderId: id, correlationId, posOrderId },
      { kind: 'withdrawn', wixOrderId: id, correlationId },
    );
    assert.equal((await settled(id, ['voided', 'confirmed']))?.state, 'voided');
  });

  it('confirms, in doubt, a decision whose response was never marked written', async () => {
    const { body, id } = newOrder();
    const correlationId = randomUUID();
    const posOrderId = await accepted(body, correlationId);
    await record({ kind: 'decided', wixOrderId: id, correlationId, posOrderId });
    assert.deepEqual(await settled(id, ['confirmed', 'voided']), {
      state: 'confirmed',
      in_doubt: true,
      pos_order_id: posOrderId,
    });
  });

  it('clears the flag once the written mark comes late, as after a gateway retried it', async () => {
    const { body, id } = newOrder();
    const correlationId = randomUUID();
    const posOrderId = await accepted(body, correlationId);
    await record({ kind: 'decided', wixOrderId: id, correlationId, posOrderId });
    assert.equal((await settled(id, ['confirmed', 'voided']))?.in_doubt, true);

    await record({ kind: 'written', wixOrderId: id, correlationId });
    let row = await rowOf(id);
    for (let i = 0; i < 80 && row?.in_doubt; i++) {
      await sleep(100);
      row = await rowOf(id);
    }
    assert.deepEqual(row, { state: 'confirmed', in_doubt: false, pos_order_id: posOrderId });
    assert.equal(await inboxVoided(id), false);
  });

  it('answers every delivery of an order with the same id; a redelivery is a replay', async () => {
    const { body, id } = newOrder();
    const correlationId = randomUUID();
    const posOrderId = await accepted(body, correlationId);
    // The same request again (a rebalance), another gateway's, and one with no budget left.
    assert.equal(await accepted(body, correlationId), posOrderId);
    assert.equal(await accepted(body), posOrderId);
    const late = randomUUID();
    assert.deepEqual(await request(body, { correlationId: late, budgetMs: 0 }), {
      value: { orderId: posOrderId },
    });
    const [count] = await sql<{ n: string }>(
      'SELECT count(*) AS n FROM pos_inbox WHERE brand = $1 AND wix_order_id = $2',
      [brand, id],
    );
    assert.equal(count?.n, '1');
  });

  it('does not start an order whose budget ran out before it arrived', async () => {
    const { body, id } = newOrder();
    const answer = (await request(body, { budgetMs: 0 })) as { error?: { code: string } };
    assert.equal(answer.error?.code, 'endpoint_down');
    assert.equal(await rowOf(id), undefined);
  });

  it('voids, unasked, an attempt left submitting past its settle time', async () => {
    const { body, id } = newOrder();
    await accepted(body);
    // As a worker that died after the POS call leaves it: the POS has it, the ledger does not.
    await sql(
      `UPDATE order_ledger SET state = 'submitting', pos_order_id = NULL,
              answer_by = now() - interval '2 seconds', version = version + 1
        WHERE brand = $1 AND wix_order_id = $2`,
      [brand, id],
    );
    assert.equal((await settled(id, ['voided']))?.state, 'voided');
    assert.equal(await inboxVoided(id), true);
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
                                attempts, lines, received_at, deadline, answer_by, changed_at)
       VALUES ($1, $2, $3, 'blocker', 'failed', 1, '[]', now(), now(), now(), now())`,
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

  it('lets one worker of a brand sweep at a time, and another take over when it dies', async () => {
    const second = await startWorker(brand, workerEnv);
    const holderPid = async () => {
      const [lease] = await sql<{ holder: string }>(
        'SELECT holder FROM sweep_leases WHERE brand = $1',
        [brand],
      );
      return Number(lease?.holder.split(':')[1]);
    };
    const seen = new Set<number>();
    for (let i = 0; i < 8; i += 1) {
      seen.add(await holderPid());
      await sleep(150);
    }
    assert.equal(seen.size, 1, `the lease moved between ${[...seen].join(', ')}`);
    const [holder, other] = seen.has(worker.pid) ? [worker, second] : [second, worker];
    assert.equal([...seen][0], holder.pid);

    // Killed, it cannot give the lease up: the other takes it once it runs out (3 sweeps), and
    // settles what was accepted before.
    const { body, id } = newOrder();
    await accepted(body);
    await holder.stop('SIGKILL');
    const until = Date.now() + 3_000;
    while ((await holderPid()) !== other.pid && Date.now() < until) await sleep(100);
    assert.equal(await holderPid(), other.pid);
    assert.equal((await settled(id, ['voided', 'confirmed']))?.state, 'voided');
  });
});
