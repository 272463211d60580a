import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { Kafka, logLevel } from 'kafkajs';
import { freePort } from './support/containers';
import { postOrder } from './support/http';
import { example, uniqueBrand } from './support/orders';
import { startGateway, startWorker, stopAll } from './support/processes';

const root = resolve(__dirname, '..');
const kafkaSh = resolve(root, '../scripts/kafka/kafka.sh');

const GATEWAY_PASSWORD = 'gw-Secret-7f3a';
const WORKER_PASSWORD = 'wk-Secret-91c2';
const WRONG_PASSWORD = 'not-the-Secret-55e1';

describe('Kafka over SASL_SSL (SCRAM-SHA-512)', () => {
  const data = mkdtempSync(join(tmpdir(), 'kafka-secure-'));
  let env: Record<string, string>;
  let secure: Record<string, string>;

  const kafka = (command: 'start' | 'stop') => {
    const run = spawnSync('bash', [kafkaSh, command], { env, encoding: 'utf8' });
    assert.equal(run.status, 0, run.stderr);
  };

  before(async () => {
    const [plain, controller, sasl] = [await freePort(), await freePort(), await freePort()];
    env = {
      PATH: process.env.PATH ?? '',
      HOME: process.env.HOME ?? '',
      KAFKA_DATA_DIR: data,
      KAFKA_PORT: String(plain),
      KAFKA_CONTROLLER_PORT: String(controller),
      KAFKA_SASL_SSL_PORT: String(sasl),
      KAFKA_SCRAM_USERS: `gateway=${GATEWAY_PASSWORD},worker=${WORKER_PASSWORD}`,
      KAFKA_HEAP: '256m',
    };
    kafka('start');
    secure = {
      KAFKA_BROKERS: `127.0.0.1:${sasl}`,
      KAFKA_SSL: 'on',
      KAFKA_SSL_CA_FILE: join(data, 'tls/cert.pem'),
      KAFKA_SASL_MECHANISM: 'scram-sha-512',
    };
  });

  after(async () => {
    await stopAll();
    kafka('stop');
    rmSync(data, { recursive: true, force: true });
  });

  it('takes an order end to end, each app authenticated with its own user over TLS', async () => {
    const brand = uniqueBrand('sasl');
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
    for (const app of [worker, gateway]) {
      assert.ok(!app.logs().includes(WORKER_PASSWORD) && !app.logs().includes(GATEWAY_PASSWORD));
    }
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
