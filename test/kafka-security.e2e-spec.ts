import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { Kafka, KafkaConfig, logLevel } from 'kafkajs';
import { ORDER_REPLY_TOPIC, orderRequestTopic } from '@wix-pos-gateway/contracts';
import { mendRequestQueue } from '@wix-pos-gateway/kafka';
import { freePort } from './support/containers';
import { postOrder } from './support/http';
import { example, uniqueBrand } from './support/orders';
import { startGateway, startWorker, stopAll } from './support/processes';

mendRequestQueue();

const root = resolve(__dirname, '..');
const kafkaSh = resolve(root, '../scripts/kafka/kafka.sh');
const aclsCli = resolve(root, 'tools/kafka-acls/main.js');

const ADMIN_PASSWORD = 'ad-Secret-c0de';
const GATEWAY_PASSWORD = 'gw-Secret-7f3a';
const WORKER_PASSWORD = 'wk-Secret-91c2';
const WRONG_PASSWORD = 'not-the-Secret-55e1';

describe('Kafka over SASL_SSL (SCRAM-SHA-512), with ACLs', () => {
  const brand = uniqueBrand('sasl');
  const data = mkdtempSync(join(tmpdir(), 'kafka-secure-'));
  let env: Record<string, string>;
  let secure: Record<string, string>;

  const kafka = (command: 'start' | 'stop') => {
    const run = spawnSync('bash', [kafkaSh, command], { env, encoding: 'utf8' });
    assert.equal(run.status, 0, run.stderr);
  };

  before(async () => {
    const ports = new Set<number>();
    while (ports.size < 3) ports.add(await freePort());
    const [plain, controller, sasl] = [...ports];
    const passed = ['PATH', 'HOME', 'JAVA_HOME', 'KAFKA_CACHE_DIR', 'MAVEN_OPTS'];
    env = {
      ...Object.fromEntries(
        passed.flatMap((name) => (process.env[name] ? [[name, process.env[name]]] : [])),
      ),
      KAFKA_DATA_DIR: data,
      KAFKA_PORT: String(plain),
      KAFKA_CONTROLLER_PORT: String(controller),
      KAFKA_SASL_SSL_PORT: String(sasl),
      KAFKA_SCRAM_USERS: `admin=${ADMIN_PASSWORD},gateway=${GATEWAY_PASSWORD},worker=${WORKER_PASSWORD}`,
      KAFKA_HEAP: '256m',
    };
    kafka('start');
    secure = {
      KAFKA_BROKERS: `127.0.0.1:${sasl}`,
      KAFKA_SSL: 'on',
      KAFKA_SSL_CA_FILE: join(data, 'tls/cert.pem'),
      KAFKA_SASL_MECHANISM: 'scram-sha-512',
    };
    // The ACLs, created by the CLI as the super user "admin" over TLS and SASL.
    const acls = spawnSync(
      process.execPath,
      [aclsCli, '--gateway', 'gateway', '--worker', `${brand}=worker`, '--apply'],
      {
        env: {
          PATH: env.PATH,
          ...secure,
          KAFKA_SASL_USERNAME: 'admin',
          KAFKA_SASL_PASSWORD: ADMIN_PASSWORD,
        },
        encoding: 'utf8',
      },
    );
    assert.equal(acls.status, 0, acls.stderr);
    assert.match(acls.stdout, /created 24 ACLs/);
  });

  after(async () => {
    await stopAll();
    kafka('stop');
    rmSync(data, { recursive: true, force: true });
  });

  it('takes an order end to end, each app authenticated with its own user over TLS, under its ACLs', async () => {
    const worker = await startWorker(brand, {
      ...secure,
      KAFKA_SASL_USERNAME: 'worker',
      KAFKA_SASL_PASSWORD: WORKER_PASSWORD,
    });
    const gateway = await startGateway({
      ...secure,
      KAFKA_SASL_USERNAME: 'gateway',
      KAFKA_SASL_PASSWORD: GATEWAY_PASSWORD,
    });
    const answer = await postOrder(gateway.url, brand, example('order-takeout-cash'));
    assert.match(answer.body.value?.orderId ?? JSON.stringify(answer.body), /^\d+$/);
    // The answers consumer and the sweep run after the answer: give them a few rounds.
    await sleep(3_000);
    for (const app of [worker, gateway]) {
      assert.doesNotMatch(app.logs(), /not authorized|AUTHORIZATION_FAILED/i, app.logs());
      assert.ok(!app.logs().includes(WORKER_PASSWORD) && !app.logs().includes(GATEWAY_PASSWORD));
    }
  });

  /** A client of `user` on the secure listener. */
  const client = (user: string, password: string, config: Partial<KafkaConfig> = {}) =>
    new Kafka({
      brokers: [secure.KAFKA_BROKERS],
      ssl: { ca: [readFileSync(secure.KAFKA_SSL_CA_FILE, 'utf8')] },
      sasl: { mechanism: 'scram-sha-512', username: user, password },
      retry: { retries: 0 },
      logLevel: logLevel.NOTHING,
      ...config,
    });

  /** What stops `user` reading `topic` in `group`: the error, or undefined if it read. */
  async function readRefusal(user: string, password: string, group: string, topic: string) {
    const consumer = client(user, password).consumer({ groupId: group, retry: { retries: 0 } });
    const crashed = new Promise<string>((resolve) =>
      consumer.on(consumer.events.CRASH, ({ payload }) => resolve(String(payload.error))),
    );
    try {
      await consumer.connect();
      await consumer.subscribe({ topic, fromBeginning: true });
      await consumer.run({ eachMessage: async () => undefined });
      return await Promise.race([crashed, sleep(15_000).then(() => undefined)]);
    } catch (error) {
      return String(error);
    } finally {
      await consumer.disconnect().catch(() => undefined);
    }
  }

  it('refuses a reply forged by a gateway, and a gateway or another brand reading orders', async () => {
    const producer = client('gateway', GATEWAY_PASSWORD).producer();
    await producer.connect();
    const forged = await producer
      .send({ topic: ORDER_REPLY_TOPIC, messages: [{ key: 'c-1', value: '{"value":{}}' }] })
      .then(
        () => 'sent',
        (error: unknown) => String(error),
      );
    await producer.disconnect();
    assert.match(forged, /not authorized/i);

    const orders = orderRequestTopic(brand);
    const byGateway = await readRefusal('gateway', GATEWAY_PASSWORD, 'pos-gateway.snoop', orders);
    assert.match(byGateway ?? 'it read the orders', /not authorized/i);
    const other = orderRequestTopic(uniqueBrand('other'));
    const byWorker = await readRefusal('worker', WORKER_PASSWORD, `pos-worker.${brand}.v1`, other);
    assert.match(byWorker ?? 'it read the orders', /not authorized/i);
  });

  it('refuses a worker with a wrong password, which says so without the password', async () => {
    const refused = await startWorker(uniqueBrand('sasl-wrong'), {
      ...secure,
      KAFKA_SASL_USERNAME: 'worker',
      KAFKA_SASL_PASSWORD: WRONG_PASSWORD,
    }).then(
      () => assert.fail('a worker with a wrong password started'),
      (error: unknown) => String(error),
    );
    assert.match(refused, /SASL SCRAM SHA512 authentication failed|Authentication failed/i);
    assert.ok(!refused.includes(WRONG_PASSWORD), 'the password is in the output');
  });

  it('refuses a client without TLS, and one without SASL, on the secure listener', async () => {
    const connect = async (config: { ssl?: { ca: string[] } | boolean }) => {
      const admin = new Kafka({
        brokers: [secure.KAFKA_BROKERS],
        connectionTimeout: 2_000,
        requestTimeout: 2_000,
        retry: { retries: 0 },
        logLevel: logLevel.NOTHING,
        ...config,
      }).admin();
      try {
        await admin.connect();
        await admin.listTopics();
        return 'connected';
      } catch (error) {
        return String(error);
      } finally {
        await admin.disconnect();
      }
    };
    assert.notEqual(await connect({}), 'connected');
    const ca = readFileSync(secure.KAFKA_SSL_CA_FILE, 'utf8');
    assert.notEqual(await connect({ ssl: { ca: [ca] } }), 'connected');
  });

  it('refuses to start with SASL settings that do not fit together, naming no secret', async () => {
    const refused = await startWorker(uniqueBrand('sasl-bad'), {
      ...secure,
      KAFKA_SSL: 'off',
      KAFKA_SSL_CA_FILE: '',
      KAFKA_SASL_MECHANISM: 'plain',
      KAFKA_SASL_USERNAME: 'worker',
      KAFKA_SASL_PASSWORD: WRONG_PASSWORD,
    }).then(
      () => assert.fail('the worker started'),
      (error: unknown) => String(error),
    );
    assert.match(refused, /KAFKA_SASL_MECHANISM: plain sends the password in clear/);
    assert.ok(!refused.includes(WRONG_PASSWORD));
  });
});
