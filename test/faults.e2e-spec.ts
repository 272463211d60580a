import assert from 'node:assert/strict';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { randomUUID } from 'node:crypto';
import { Server, connect, createServer } from 'node:net';
import { after, before, describe, it } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { databaseControl } from './support/database-control';
import {
  DEADLINE_MS,
  Tally,
  assertClean,
  explainPhantoms,
  msUntilAccepted,
  printLastLines,
  report,
  settledTally,
  stream,
  Sent,
} from './support/faults';
import { postOrder } from './support/http';
import { testKafka } from './support/kafka';
import { inboxRows, ledgerRows, sql } from './support/ledger';
import { readJournal } from './fixtures/integrations/journal-pos';
import { example, item, orderOf, renamed, uniqueBrand, wixId } from './support/orders';
import { PrivateBroker } from './support/private-broker';
import { freePort } from './support/containers';
import { AppProcess, required, startGateway, startWorker, stopAll } from './support/processes';

describe('faults: a worker killed mid-stream (kill -9)', () => {
  const brand = uniqueBrand('fault-kill');
  let gateway: AppProcess;
  let workers: AppProcess[];

  before(async () => {
    const env = { KAFKA_SESSION_TIMEOUT_MS: '6000' };
    workers = [await startWorker(brand, env), await startWorker(brand, env)];
    gateway = await startGateway({ ORDER_DEADLINE_MS: String(DEADLINE_MS) });
  });
  after(stopAll);

  it('answers every request in time; none lost, duplicated or phantom', async () => {
    const run = stream(() => gateway.url, brand);
    await sleep(2_000);
    await workers[0].stop('SIGKILL');
    await sleep(9_000);
    const sent = await run.stop();
    // Orders the killed worker placed but never answered are voided when the survivor takes
    // its partitions over and meets their requests, expired.
    const t = await settledTally(brand, sent);
    report('kill -9 one of two workers', t);
    assertClean(t);
    assert.ok((t.answers.accepted ?? 0) > 50, 'the stream went on');
  });
});

describe('faults: a worker paused (SIGSTOP) past the deadline, then resumed', () => {
  const brand = uniqueBrand('fault-pause');
  let gateway: AppProcess;
  let worker: AppProcess;

  before(async () => {
    worker = await startWorker(brand);
    gateway = await startGateway({ ORDER_DEADLINE_MS: String(DEADLINE_MS) });
  });
  after(async () => {
    process.kill(worker.pid, 'SIGCONT');
    await stopAll();
  });

  it('answered endpoint_down, and leaves none of those orders live after it resumes', async () => {
    process.kill(worker.pid, 'SIGSTOP');
    const bodies = Array.from({ length: 8 }, () => renamed(example('order-takeout-cash'), wixId()));
    const sent: Sent[] = await Promise.all(
      bodies.map(async (body) => ({ body, answer: await postOrder(gateway.url, brand, body) })),
    );
    process.kill(worker.pid, 'SIGCONT');
    await sleep(3_000);
    const after = renamed(example('order-takeout-cash'));
    const resumed = await postOrder(gateway.url, brand, after);
    const t = await settledTally(brand, sent);
    report('SIGSTOP a worker past the deadline', t);
    assert.deepEqual(t.answers, { endpoint_down: 8 });
    assertClean(t);
    assert.ok(resumed.body.value?.orderId, 'the worker serves again');
    const recorded = new Set((await ledgerRows(brand, ['accepted'])).map((r) => r.wix_order_id));
    for (const body of bodies) assert.equal(recorded.has(body.order.id), false);
  });
});

describe('faults: 1,000 deliveries of 100 orders', () => {
  const brand = uniqueBrand('fault-dup');
  const replyTopic = `test.replies.${brand}`;
  const kafka = testKafka();
  const producer = kafka.producer();

  before(async () => {
    await startWorker(brand, { REQUEST_TOPIC_PARTITIONS: '4' });
    await startWorker(brand, { REQUEST_TOPIC_PARTITIONS: '4' });
    const admin = kafka.admin();
    await admin.connect();
    await admin.createTopics({ topics: [{ topic: replyTopic, numPartitions: 1 }] });
    await admin.disconnect();
    await producer.connect();
  });
  after(async () => {
    await producer.disconnect();
    await stopAll();
  });

  it('makes exactly 100 POS orders', async () => {
    const orders = Array.from({ length: 100 }, (_, i) =>
      JSON.stringify(renamed(example('order-takeout-cash'), `restaurant-${i % 10}`)),
    );
    const deliveries = orders.flatMap((value) =>
      Array.from({ length: 10 }, () => ({
        key: (JSON.parse(value) as { order: { restaurantId: string } }).order.restaurantId,
        value,
        headers: {
          'pos-correlation-id': randomUUID(),
          'pos-reply-topic': replyTopic,
          'pos-budget-ms': '60000',
          'pos-received-at': String(Date.now()),
        },
      })),
    );
    // Shuffled, as redeliveries and retries arrive.
    deliveries.sort(() => Math.random() - 0.5);
    for (let i = 0; i < deliveries.length; i += 100) {
      await producer.send({
        topic: `pos.orders.${brand}.v1`,
        acks: -1,
        messages: deliveries.slice(i, i + 100),
      });
    }
    let rows = await ledgerRows(brand);
    for (let i = 0; i < 150 && rows.length < 100; i++) {
      await sleep(200);
      rows = await ledgerRows(brand);
    }
    await sleep(1_000);
    const inbox = await inboxRows(brand);
    console.log(
      `fault "1,000 deliveries of 100 orders": ledger ${rows.length}, inbox ${inbox.length}`,
    );
    assert.equal(rows.length, 100);
    assert.equal(inbox.length, 100);
    assert.equal(new Set(inbox.map((row) => row.wix_order_id)).size, 100);
  });
});

describe('faults: the broker stopped for 20 s under load', () => {
  const brand = uniqueBrand('fault-broker');
  let broker: PrivateBroker;
  let gateway: AppProcess;
  let workers: AppProcess[];

  before(async () => {
    broker = await PrivateBroker.start();
    const env = { KAFKA_BROKERS: broker.url };
    workers = [await startWorker(brand, env), await startWorker(brand, env)];
    gateway = await startGateway({ ...env, ORDER_DEADLINE_MS: String(DEADLINE_MS) });
  });
  after(async () => {
    await stopAll();
    await broker.remove();
  });

  it('answers endpoint_down in time during the outage, and takes orders within 30 s of its return', async () => {
    const run = stream(() => gateway.url, brand);
    await sleep(2_000);
    await broker.stop();
    await sleep(20_000);
    await broker.restart();
    const recovered = await msUntilAccepted(gateway.url, brand, 30_000, 250);
    if (recovered < 0) printLastLines([gateway, ...workers]);
    const sent = await run.stop();
    // Acceptances nobody recorded are voided once the broker is back and the workers' answers
    // consumers have caught up: within the settle time docs/order-protocol.md states.
    const t = await settledTally(brand, sent, 45_000);
    report('broker stopped for 20 s', { ...t, recoveredMs: recovered } as Tally);
    explainPhantoms(t, [gateway, ...workers]);
    assert.ok(recovered >= 0, 'no order succeeded within 30 s of the broker coming back');
    assertClean(t);
    assert.ok((t.answers.endpoint_down ?? 0) > 0, 'the outage was felt');
  });
});

describe('faults: PostgreSQL stopped briefly', () => {
  const brand = uniqueBrand('fault-pg');
  const database = databaseControl();
  let gateway: AppProcess;
  let worker: AppProcess;

  before(async () => {
    worker = await startWorker(brand);
    gateway = await startGateway({ ORDER_DEADLINE_MS: String(DEADLINE_MS) });
  });
  after(stopAll);

  it(
    'answers endpoint_down in time while it is down, and recovers',
    {
      skip: database
        ? false
        : 'DATABASE_URL names a server this run cannot stop and start (see test/run.ts)',
    },
    async () => {
      const run = stream(() => gateway.url, brand);
      await sleep(1_500);
      await database!.stop();
      await sleep(4_000);
      await database!.start();
      const recovered = await msUntilAccepted(gateway.url, brand, 20_000, 200);
      // An order the POS took just before its settlement failed is voided by the worker's
      // sweep of unsettled orders, 10 s past its deadline.
      const t = await settledTally(brand, await run.stop(), 25_000);
      report('PostgreSQL stopped for 4 s', { ...t, recoveredMs: recovered } as Tally);
      assert.ok(worker.running, `the worker exited:\n${worker.logs().slice(-4_000)}`);
      assert.ok(recovered >= 0, 'no order succeeded within 20 s of PostgreSQL coming back');
      assertClean(t);
      assert.ok((t.answers.endpoint_down ?? 0) > 0, 'the outage was felt');
    },
  );
});

describe('faults: the database closed to connections a while (ALLOW_CONNECTIONS false)', () => {
  const brand = uniqueBrand('fault-pg-closed');
  // A database of its own: closing the run's would close it to every other test's connections.
  const name = `pos_closed_${randomUUID().replaceAll('-', '').slice(0, 12)}`;
  const own = new URL(required('DATABASE_URL'));
  own.pathname = `/${name}`;
  let gateway: AppProcess;

  before(async () => {
    await sql(`CREATE DATABASE ${name}`);
    await startWorker(brand, { DATABASE_URL: own.toString() });
    gateway = await startGateway();
  });
  after(async () => {
    await stopAll();
    await sql(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
  });

  it('answers endpoint_down, which Wix retries, and takes the order once it opens', async () => {
    const body = renamed(example('order-takeout-cash'));
    await sql(`ALTER DATABASE ${name} ALLOW_CONNECTIONS false`);
    await sql('SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = $1', [name]);
    const refused = await postOrder(gateway.url, brand, body);
    assert.equal(refused.body.error?.code, 'endpoint_down', JSON.stringify(refused.body));
    assert.match(refused.body.error?.description ?? '', /not currently accepting connections/);

    await sql(`ALTER DATABASE ${name} ALLOW_CONNECTIONS true`);
    let answer = await postOrder(gateway.url, brand, body);
    for (let tries = 0; answer.body.error && tries < 20; tries++) {
      await sleep(500);
      answer = await postOrder(gateway.url, brand, body);
    }
    assert.match(answer.body.value?.orderId ?? JSON.stringify(answer.body), /^\d+$/);
  });
});

describe('faults: a worker started while its database cannot be reached', () => {
  const brand = uniqueBrand('fault-pg-start');
  let proxy: Server | undefined;
  after(async () => {
    await stopAll();
    proxy?.close();
  });

  it('waits for the database, then takes orders', async () => {
    const real = new URL(required('DATABASE_URL'));
    const port = await freePort();
    const through = new URL(real);
    through.hostname = '127.0.0.1';
    through.port = String(port);
    // Nothing listens on the port yet: each connection is refused.
    const starting = startWorker(brand, { DATABASE_URL: through.toString() });
    await sleep(3_000);
    proxy = createServer((client) => {
      const upstream = connect(Number(real.port || 5432), real.hostname);
      client.pipe(upstream).pipe(client);
      client.on('error', () => upstream.destroy());
      upstream.on('error', () => client.destroy());
    }).listen(port, '127.0.0.1');
    const worker = await starting;
    assert.match(worker.logs(), /migrations: not reachable yet \([^)]*ECONNREFUSED/);
    const gateway = await startGateway();
    const answer = await postOrder(gateway.url, brand, renamed(example('order-takeout-cash')));
    assert.match(answer.body.value?.orderId ?? JSON.stringify(answer.body), /^\d+$/);
  });
});

describe('faults: overload is shed, not queued into timeouts', () => {
  const brand = uniqueBrand('fault-shed');
  const journal = join(mkdtempSync(join(tmpdir(), 'journal-')), 'calls.jsonl');
  const SLOW_MS = 1_200;
  let gateway: AppProcess;

  /** An order the POS takes only after SLOW_MS. */
  const slowOrder = (restaurantId = wixId()) => {
    const body = orderOf([item('soup', 'SOUP-1')], [{ itemId: 'soup' }], restaurantId);
    body.order.comment = `ignore-deadline-once:${SLOW_MS}`;
    return body;
  };
  const submitted = () => new Set(readJournal(journal).map((entry) => entry.wixOrderId));

  before(async () => {
    await startWorker(brand, {
      POS_INTEGRATION: resolve(__dirname, 'fixtures/integrations/journal-pos.js'),
      JOURNAL_FILE: journal,
    });
    gateway = await startGateway({
      ORDER_DEADLINE_MS: String(DEADLINE_MS),
      MAX_IN_FLIGHT_PER_BRAND: '4',
    });
  });
  after(stopAll);

  it('answers what a brand cannot take now endpoint_down at once, and sends it nowhere', async () => {
    const bodies = Array.from({ length: 12 }, () => slowOrder());
    const answers = await Promise.all(bodies.map((body) => postOrder(gateway.url, brand, body)));
    const shed = answers.filter((answer) =>
      /overloaded/.test(answer.body.error?.description ?? ''),
    );
    assert.equal(answers.filter((answer) => answer.body.value).length, 4);
    assert.equal(shed.length, 8);
    for (const answer of shed) assert.ok(answer.ms < 500, `shed after ${answer.ms} ms`);
    const sent = submitted();
    bodies.forEach((body, i) =>
      assert.equal(sent.has(body.order.id), Boolean(answers[i].body.value)),
    );
  });

  it('answers an order whose turn comes too close to the deadline at once, and never starts it', async () => {
    const restaurant = wixId();
    const bodies = [slowOrder(restaurant), slowOrder(restaurant), slowOrder(restaurant)];
    const answers = await Promise.all(bodies.map((body) => postOrder(gateway.url, brand, body)));
    const late = answers.filter((answer) => answer.body.error);
    assert.equal(late.length, 1, JSON.stringify(answers.map((answer) => answer.body)));
    assert.match(
      late[0].body.error?.description ?? '',
      /left before the deadline: too little to reach the POS/,
    );
    assert.ok(late[0].ms < DEADLINE_MS, `answered after ${late[0].ms} ms`);
    const lateBody = bodies[answers.indexOf(late[0])];
    assert.equal(submitted().has(lateBody.order.id), false);
  });
});
