import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { createHmac, randomBytes, randomUUID } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { Answer, answerBeforeBody, postOrder } from './support/http';
import { httpsRequest, postOrderTls } from './support/https';
import { readTopic } from './support/kafka';
import { ledgerRows } from './support/ledger';
import { SpiBody, example, renamed, uniqueBrand } from './support/orders';
import { AppProcess, startGateway, startWorker, stopAll } from './support/processes';

const CERT_SCRIPT = resolve(__dirname, '../../scripts/cert.sh');
const JSON_HEADERS = { 'content-type': 'application/json' };
const UNAUTHENTICATED = {
  error: { code: 'pos_error', description: 'the webhook call is not authenticated' },
};
/** Just under the default MAX_BODY_BYTES: a body the gateway would otherwise read whole. */
const LARGE_BODY_BYTES = 9 * 1024 * 1024;

const order = (): SpiBody => renamed(example('order-takeout-cash'));

describe('HTTPS with a generated certificate', () => {
  const brand = uniqueBrand('edge-tls');
  const dir = mkdtempSync(join(tmpdir(), 'edge-tls-'));
  let gateway: AppProcess;
  let ca: Buffer;

  before(async () => {
    execFileSync('bash', [CERT_SCRIPT, dir], { stdio: 'pipe' });
    ca = readFileSync(join(dir, 'cert.pem'));
    await startWorker(brand);
    gateway = await startGateway({
      TLS_CERT_FILE: join(dir, 'cert.pem'),
      TLS_KEY_FILE: join(dir, 'key.pem'),
    });
  });
  after(async () => {
    await stopAll();
    rmSync(dir, { recursive: true, force: true });
  });

  it('takes a valid order over TLS, health included', async () => {
    assert.match(gateway.url, /^https:\/\//);
    const answer = await postOrderTls(gateway.url, brand, order(), { ca });
    assert.equal(answer.status, 200);
    assert.match(answer.body.value?.orderId ?? JSON.stringify(answer.body), /^\d+$/);
    const health = await httpsRequest(`${gateway.url}/health/live`, { ca });
    assert.equal(health.status, 200);
  });

  it('refuses TLS 1.1, plain HTTP on its port, and clients that do not trust the certificate', async () => {
    await assert.rejects(
      httpsRequest(`${gateway.url}/health/live`, {
        ca,
        minVersion: 'TLSv1',
        maxVersion: 'TLSv1.1',
        ciphers: 'DEFAULT:@SECLEVEL=0',
      }),
      /alert protocol version/,
    );
    const plain = gateway.url.replace(/^https:/, 'http:');
    const refused = await fetch(`${plain}/webhooks/wix/${brand}`, {
      method: 'POST',
      headers: JSON_HEADERS,
      body: JSON.stringify(order()),
    }).then(
      (res) => `HTTP ${res.status}`,
      (error: Error) => error.message,
    );
    assert.equal(refused, 'fetch failed');
    await assert.rejects(fetch(`${gateway.url}/health/live`), /fetch failed/);
  });

  it('logs neither the key nor the certificate', () => {
    const key = readFileSync(join(dir, 'key.pem'), 'utf8').split('\n')[1];
    assert.ok(!gateway.logs().includes(key));
    assert.doesNotMatch(gateway.logs(), /PRIVATE KEY/);
  });
});

describe('authentication of webhook calls', () => {
  const brands = {
    token: uniqueBrand('edge-token'),
    basic: uniqueBrand('edge-basic'),
    bearer: uniqueBrand('edge-bearer'),
    hmac: uniqueBrand('edge-hmac'),
  };
  const secrets = {
    token: randomBytes(24).toString('base64url'),
    basic: `wix:${randomBytes(24).toString('base64url')}`,
    bearer: randomBytes(24).toString('base64url'),
    hmac: `whsec_${randomBytes(32).toString('base64')}`,
  };
  const wrong = {
    token: randomBytes(24).toString('base64url'),
    basic: `wix:${randomBytes(24).toString('base64url')}`,
    bearer: randomBytes(24).toString('base64url'),
    hmac: `whsec_${randomBytes(32).toString('base64')}`,
  };
  /** Everything secret that was configured or sent, in every form it travelled in. */
  const secretForms = [...Object.values(secrets), ...Object.values(wrong)].flatMap((secret) => [
    secret,
    Buffer.from(secret).toString('base64'),
    secret.replace(/^whsec_/, ''),
  ]);
  const sent = { accepted: new Map<string, string[]>(), refused: new Map<string, string[]>() };
  const apps: AppProcess[] = [];
  let gateway: AppProcess;

  const record = (kind: 'accepted' | 'refused', brand: string, body: SpiBody) =>
    sent[kind].set(brand, [...(sent[kind].get(brand) ?? []), body.order.id]);

  async function accepted(
    brand: string,
    path: string,
    headers: Record<string, string> = {},
    body: SpiBody = order(),
    url = gateway.url,
  ): Promise<Answer> {
    const answer = await postOrder(url, path, JSON.stringify(body), {
      ...JSON_HEADERS,
      ...headers,
    });
    assert.equal(answer.status, 200, JSON.stringify(answer.body));
    assert.match(answer.body.value?.orderId ?? JSON.stringify(answer.body), /^\d+$/);
    record('accepted', brand, body);
    return answer;
  }

  async function refused(
    brand: string,
    path: string,
    headers: Record<string, string> = {},
    body: SpiBody | string = order(),
  ): Promise<void> {
    const text = typeof body === 'string' ? body : JSON.stringify(body);
    const answer = await postOrder(gateway.url, path, text, { ...JSON_HEADERS, ...headers });
    assert.equal(answer.status, 401, JSON.stringify(answer.body));
    assert.deepEqual(answer.body, UNAUTHENTICATED);
    if (typeof body !== 'string') record('refused', brand, body);
  }

  const basic = (credentials: string) => ({
    authorization: `Basic ${Buffer.from(credentials).toString('base64')}`,
  });

  function signature(secret: string, id: string, timestampS: number, body: string): string {
    const key = Buffer.from(secret.replace(/^whsec_/, ''), 'base64');
    return `v1,${createHmac('sha256', key).update(`${id}.${timestampS}.${body}`).digest('base64')}`;
  }

  function signed(body: string, secret = secrets.hmac, timestampS = Math.floor(Date.now() / 1000)) {
    const id = `msg_${randomUUID()}`;
    return {
      'webhook-id': id,
      'webhook-timestamp': String(timestampS),
      'webhook-signature': signature(secret, id, timestampS, body),
    };
  }

  before(async () => {
    apps.push(...(await Promise.all(Object.values(brands).map((brand) => startWorker(brand)))));
    gateway = await startGateway({
      WEBHOOK_AUTH: [
        `${brands.token}=token:${secrets.token}`,
        `${brands.basic}=basic:${secrets.basic}`,
        `${brands.bearer}=bearer:${secrets.bearer}`,
        `${brands.hmac}=hmac:${secrets.hmac}`,
      ].join(';'),
    });
    apps.push(gateway);
  });
  after(stopAll);

  it('token: the right token in the path or the query is taken; a wrong or missing one gets 401', async () => {
    const brand = brands.token;
    await accepted(brand, `${brand}/${secrets.token}`);
    await accepted(brand, `${brand}?token=${secrets.token}`);
    await refused(brand, `${brand}/${wrong.token}`);
    await refused(brand, `${brand}?token=${wrong.token}`);
    await refused(brand, brand);
    await refused(brand, brand, { authorization: `Bearer ${secrets.token}` });
    await refused(brands.bearer, `${brands.bearer}/${secrets.token}`);
  });

  it('basic: the right user and password are taken; wrong or missing ones get 401 and the challenge', async () => {
    const brand = brands.basic;
    await accepted(brand, brand, basic(secrets.basic));
    await refused(brand, brand, basic(wrong.basic));
    await refused(brand, brand);
    const challenge = await fetch(`${gateway.url}/webhooks/wix/${brand}`, {
      method: 'POST',
      headers: JSON_HEADERS,
      body: JSON.stringify(order()),
    });
    assert.equal(challenge.status, 401);
    assert.match(challenge.headers.get('www-authenticate') ?? '', /^Basic realm=/);
  });

  it('bearer: the right token is taken; a wrong or missing one gets 401', async () => {
    const brand = brands.bearer;
    await accepted(brand, brand, { authorization: `Bearer ${secrets.bearer}` });
    await refused(brand, brand, { authorization: `Bearer ${wrong.bearer}` });
    await refused(brand, brand);
    await refused(brand, `${brand}/${secrets.bearer}`);
  });

  it('hmac: a valid signature is taken; a wrong, missing or expired one, or one on another body, gets 401', async () => {
    const brand = brands.hmac;
    const body = order();
    const text = JSON.stringify(body);
    const headers = signed(text);
    await accepted(brand, brand, headers, body);

    const wrongKey = order();
    await refused(brand, brand, signed(JSON.stringify(wrongKey), wrong.hmac), wrongKey);
    await refused(brand, brand);
    const expired = order();
    const hourAgo = Math.floor(Date.now() / 1000) - 3_600;
    await refused(brand, brand, signed(JSON.stringify(expired), secrets.hmac, hourAgo), expired);
    const anotherBody = order();
    await refused(brand, brand, headers, anotherBody);
    await refused(brand, brand, headers, `${text.slice(0, -1)},"x":1}`);
    await refused(brand, brand, signed('{not json'), '{"also": not json');
  });

  it('hmac: no signature headers, or a timestamp from 2001, is refused before the body is sent', async () => {
    const url = `${gateway.url}/webhooks/wix/${brands.hmac}`;
    const in2001 = Date.UTC(2001, 8, 9) / 1000;
    for (const headers of [{}, signed('{}', secrets.hmac, in2001)]) {
      const answer = await answerBeforeBody(
        url,
        { ...JSON_HEADERS, ...headers },
        LARGE_BODY_BYTES,
        5_000,
      );
      assert.deepEqual(answer, {
        answered: true,
        status: 401,
        body: UNAUTHENTICATED,
        connection: 'close',
        closed: true,
      });
    }
    // The same call with fresh headers waits for its body: only the signature needs it.
    const fresh = await answerBeforeBody(
      url,
      { ...JSON_HEADERS, ...signed('{}') },
      LARGE_BODY_BYTES,
      1_000,
    );
    assert.deepEqual(fresh, { answered: false });
  });

  it("hmac: a webhook-id sent again, as a sender's retry sends it, gets the order's one id", async () => {
    const brand = brands.hmac;
    const body = order();
    const text = JSON.stringify(body);
    const headers = signed(text);
    const orderId = (await accepted(brand, brand, headers, body)).body.value?.orderId;
    // The same bytes again, and a retry under the same id with a later timestamp.
    const id = headers['webhook-id'];
    const later = Math.floor(Date.now() / 1000) + 1;
    const retried = {
      ...headers,
      'webhook-timestamp': String(later),
      'webhook-signature': signature(secrets.hmac, id, later, text),
    };
    for (const again of [headers, retried]) {
      const answer = await postOrder(gateway.url, brand, text, { ...JSON_HEADERS, ...again });
      assert.deepEqual(
        { status: answer.status, body: answer.body },
        {
          status: 200,
          body: { value: { orderId } },
        },
      );
    }
    const states = ['submitting', 'voiding', 'accepted', 'failed', 'rejected', 'voided'];
    const recorded = (await ledgerRows(brand, states)).filter(
      (row) => row.wix_order_id === body.order.id,
    );
    assert.deepEqual(
      recorded.map((row) => [row.state, row.attempts]),
      [['accepted', 1]],
    );
  });

  it('produced only the accepted orders: the request topics hold none of the refused ones', async () => {
    for (const brand of Object.values(brands)) {
      const messages = (await readTopic(`pos.orders.${brand}.v1`)).join('\n');
      const accepted = sent.accepted.get(brand) ?? [];
      const refused = sent.refused.get(brand) ?? [];
      assert.ok(accepted.length > 0 && refused.length > 0, brand);
      for (const id of accepted) assert.ok(messages.includes(id), `${brand}: ${id} missing`);
      for (const id of refused) assert.ok(!messages.includes(id), `${brand}: ${id} produced`);
      for (const secret of secretForms) assert.ok(!messages.includes(secret), `${brand}: a secret`);
    }
  });

  it('in production, refuses to start without WEBHOOK_AUTH (or without HTTPS), and starts with none', async () => {
    await assert.rejects(
      startGateway({ NODE_ENV: 'production', TLS: 'off' }),
      /WEBHOOK_AUTH: NODE_ENV=production needs webhook authentication/,
    );
    await assert.rejects(
      startGateway({ NODE_ENV: 'production', WEBHOOK_AUTH: 'none' }),
      /TLS: NODE_ENV=production needs HTTPS: set TLS_CERT_FILE and TLS_KEY_FILE, or TLS=off/,
    );
    await assert.rejects(
      startGateway({ WEBHOOK_AUTH: `${brands.token}=tokn:${wrong.token}` }),
      (error: Error) => {
        assert.match(error.message, /WEBHOOK_AUTH: entry 1 \(edge-token-\S+\): expected <mode>/);
        assert.ok(!error.message.includes(wrong.token));
        return true;
      },
    );
    const open = await startGateway({ NODE_ENV: 'production', TLS: 'off', WEBHOOK_AUTH: 'none' });
    apps.push(open);
    await accepted(brands.bearer, brands.bearer, {}, order(), open.url);
    assert.match(open.logs(), /webhook calls are not authenticated \(WEBHOOK_AUTH=none\)/);
  });

  it('logs each refusal with brand and mode, and no secret, token or signature anywhere', () => {
    const logs = gateway.logs();
    for (const mode of ['token', 'basic', 'bearer', 'hmac'] as const) {
      const line = new RegExp(
        `webhook\\.unauthenticated.*"brand":"${brands[mode]}".*"modes":"${mode}"`,
      );
      assert.match(logs, line);
    }
    assert.match(logs, /"reason":"webhook-timestamp outside the 300 s window"/);
    const everything = apps.map((app) => app.logs()).join('\n');
    for (const secret of secretForms) {
      assert.ok(!everything.includes(secret), 'a secret is in the logs');
    }
    assert.doesNotMatch(everything, /v1,[A-Za-z0-9+/]{43}=/);
  });
});
