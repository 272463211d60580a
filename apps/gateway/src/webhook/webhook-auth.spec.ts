import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { describe, it } from 'node:test';
import { inspect } from 'node:util';
import {
  PresentedCredentials,
  Verdict,
  WebhookAuthPolicy,
  WebhookCredential,
  authenticate,
  secretsEqual,
  signStandardWebhook,
} from './webhook-auth';

const TOKEN = 'tok_9fK2mQ7xVbL4nR8sW1cZ';
const BEARER = 'bearer.Qm9zdG9uQ3JlYW1QaWU+/x==';
const BASIC = 'wix:pw-Hq3vN8kT5yL2mX7c';
const HMAC = `whsec_${randomBytes(32).toString('base64')}`;
const SECRETS = [TOKEN, BEARER, BASIC, HMAC, HMAC.slice('whsec_'.length), 'pw-Hq3vN8kT5yL2mX7c'];

const nothing: PresentedCredentials = { tokens: [] };
const basicHeader = (credentials: string) => `Basic ${Buffer.from(credentials).toString('base64')}`;

/** The verdict of a call to `brand`: decided at once, or on the body as the middleware does. */
function verdictOf(
  policy: WebhookAuthPolicy,
  brand: string,
  presented: PresentedCredentials,
  body = Buffer.from('{}'),
  nowMs = Date.now(),
  toleranceS = 300,
): Verdict {
  const result = authenticate(policy.credentialsFor(brand), presented, { nowMs, toleranceS });
  return typeof result === 'function' ? result(body, nowMs) : result;
}

const window = (nowMs = Date.now()) => ({ nowMs, toleranceS: 300 });

function signed(body: string, timestampS = Math.floor(Date.now() / 1000), id = 'msg_1') {
  return {
    tokens: [],
    webhookId: id,
    webhookTimestamp: String(timestampS),
    webhookSignature: signStandardWebhook(HMAC, id, timestampS, body),
  };
}

/** Asserts that parsing fails and that the message quotes none of the secrets. */
function rejects(spec: string, pattern: RegExp, ...secrets: string[]): void {
  assert.throws(
    () => WebhookAuthPolicy.parse(spec),
    (error: Error) => {
      assert.match(error.message, pattern);
      for (const secret of [...SECRETS, ...secrets]) {
        assert.ok(!error.message.includes(secret), `"${error.message}" quotes a secret`);
      }
      return true;
    },
  );
}

describe('WEBHOOK_AUTH parsing', () => {
  it('reads unset, none, and brand entries with * as the default', () => {
    assert.equal(WebhookAuthPolicy.parse('').state, 'unset');
    assert.equal(WebhookAuthPolicy.parse(undefined).state, 'unset');
    assert.equal(WebhookAuthPolicy.parse(' none ').state, 'none');
    const policy = WebhookAuthPolicy.parse(
      `demo=token:${TOKEN}; bistro=basic:${BASIC};*=bearer:${BEARER};proxy=hmac:${HMAC};`,
    );
    assert.equal(policy.state, 'on');
    assert.equal(policy.enforced, true);
    assert.deepEqual(
      policy.credentialsFor('demo').map((c) => c.mode),
      ['token'],
    );
    assert.deepEqual(
      policy.credentialsFor('anything-else').map((c) => c.mode),
      ['bearer'],
    );
    assert.equal(policy.lists('demo'), true);
    assert.equal(policy.lists('anything-else'), false);
    assert.equal(policy.describe(), 'demo=token bistro=basic *=bearer proxy=hmac');
  });

  it('keeps every secret of a brand listed twice (rotation), and covers nothing without *', () => {
    const other = 'tok_other_7Yh3kP9wQ2xZ';
    const policy = WebhookAuthPolicy.parse(`demo=token:${TOKEN};demo=token:${other}`);
    assert.equal(policy.credentialsFor('demo').length, 2);
    assert.deepEqual(policy.credentialsFor('bistro'), []);
    assert.equal(verdictOf(policy, 'demo', { tokens: [other] }).ok, true);
    assert.equal(verdictOf(policy, 'bistro', { tokens: [TOKEN] }).ok, false);
  });

  it('never shows a secret through inspect or JSON', () => {
    const policy = WebhookAuthPolicy.parse(
      `demo=token:${TOKEN};bistro=basic:${BASIC};*=bearer:${BEARER};proxy=hmac:${HMAC}`,
    );
    const shown = [
      inspect(policy, { depth: 10, showHidden: true }),
      JSON.stringify(policy),
      inspect(policy.credentialsFor('proxy'), { depth: 10, showHidden: true }),
      JSON.stringify(policy.credentialsFor('bistro')),
    ].join('\n');
    for (const secret of SECRETS) assert.ok(!shown.includes(secret), shown);
  });

  it('refuses malformed entries, naming the entry and the rule but never the secret', () => {
    rejects('none;demo=token:' + TOKEN, /entry 1: expected/);
    rejects(TOKEN, /entry 1: expected "<brand or \*>=<mode>:<secret>/);
    rejects(`demo=${TOKEN}`, /entry 1 \(demo\): expected <mode>:<secret> with mode token/);
    rejects(`demo=secret:${TOKEN}`, /entry 1 \(demo\): expected <mode>:<secret>/);
    rejects(`Demo Brand=token:${TOKEN}`, /entry 1: the brand must be \* or a brand name/);
    rejects(`${TOKEN}=token:${TOKEN}`, /entry 1: the brand must be/);
    rejects(
      `demo=token:${TOKEN};bistro=token:short-tok`,
      /entry 2 \(bistro\), token: a token must be 16/,
      'short-tok',
    );
    rejects(
      `demo=token:${TOKEN}/with/slashes`,
      /a token must be 16 to 256 characters/,
      '/with/slashes',
    );
    rejects('demo=bearer:has spaces in it, see?', /a bearer token must be/, 'spaces in it');
    rejects(`demo=basic:${TOKEN}`, /basic credentials must be <user>:<password>/);
    rejects(
      'demo=basic:wix:short-password',
      /a basic password must be at least 16/,
      'short-password',
    );
    rejects(
      `demo=hmac:${HMAC.slice('whsec_'.length)}`,
      /an hmac secret must be whsec_ followed by base64/,
    );
    rejects(
      `demo=hmac:whsec_${randomBytes(8).toString('base64')}`,
      /must decode to 24 to 64 bytes/,
    );
    rejects(';;', /no entry/);
  });
});

describe('webhook authentication by mode', () => {
  const policy = WebhookAuthPolicy.parse(
    `tok=token:${TOKEN};bas=basic:${BASIC};bea=bearer:${BEARER};sig=hmac:${HMAC}`,
  );

  it('token: the path segment or a ?token= value', () => {
    assert.deepEqual(verdictOf(policy, 'tok', { tokens: [TOKEN] }), { ok: true });
    assert.deepEqual(verdictOf(policy, 'tok', { tokens: ['nope', TOKEN] }), { ok: true });
    assert.deepEqual(verdictOf(policy, 'tok', nothing), { ok: false, reason: 'no credentials' });
    assert.deepEqual(verdictOf(policy, 'tok', { tokens: [`${TOKEN}x`] }), {
      ok: false,
      reason: 'wrong credentials',
    });
    assert.equal(
      verdictOf(policy, 'tok', { tokens: [], authorization: `Bearer ${TOKEN}` }).ok,
      false,
    );
  });

  it('basic: user and password, the scheme in any case', () => {
    assert.equal(
      verdictOf(policy, 'bas', { tokens: [], authorization: basicHeader(BASIC) }).ok,
      true,
    );
    const lower = basicHeader(BASIC).replace('Basic', 'basic');
    assert.equal(verdictOf(policy, 'bas', { tokens: [], authorization: lower }).ok, true);
    for (const wrong of ['wix:pw-Hq3vN8kT5yL2mX7C', 'wiz:pw-Hq3vN8kT5yL2mX7c', 'wix:', '']) {
      assert.equal(
        verdictOf(policy, 'bas', { tokens: [], authorization: basicHeader(wrong) }).ok,
        false,
      );
    }
    assert.equal(
      verdictOf(policy, 'bas', { tokens: [], authorization: `Basic ${BASIC}` }).ok,
      false,
    );
    assert.equal(verdictOf(policy, 'bas', { tokens: [BASIC] }).ok, false);
  });

  it('bearer: the Authorization header only', () => {
    assert.equal(
      verdictOf(policy, 'bea', { tokens: [], authorization: `Bearer ${BEARER}` }).ok,
      true,
    );
    assert.equal(
      verdictOf(policy, 'bea', { tokens: [], authorization: `bearer ${BEARER}` }).ok,
      true,
    );
    assert.equal(verdictOf(policy, 'bea', { tokens: [BEARER] }).ok, false);
    assert.equal(
      verdictOf(policy, 'bea', { tokens: [], authorization: `Bearer ${BEARER}=` }).ok,
      false,
    );
    assert.equal(
      verdictOf(policy, 'bea', { tokens: [], authorization: basicHeader(BEARER) }).ok,
      false,
    );
  });

  it('hmac: a Standard Webhooks signature of id, timestamp and the raw body', () => {
    const body = '{"order":{"id":"1"}}';
    assert.deepEqual(verdictOf(policy, 'sig', signed(body), Buffer.from(body)), { ok: true });

    const several = signed(body);
    several.webhookSignature = `v1,${randomBytes(32).toString('base64')} v2,xx ${several.webhookSignature}`;
    assert.equal(verdictOf(policy, 'sig', several, Buffer.from(body)).ok, true);

    const changed = verdictOf(policy, 'sig', signed(body), Buffer.from('{"order":{"id":"2"}}'));
    assert.deepEqual(changed, { ok: false, reason: 'signature does not match' });
    const otherId = { ...signed(body), webhookId: 'msg_2' };
    assert.equal(verdictOf(policy, 'sig', otherId, Buffer.from(body)).ok, false);
    const otherKey = `whsec_${randomBytes(32).toString('base64')}`;
    const forged = {
      ...signed(body),
      webhookSignature: signStandardWebhook(otherKey, 'msg_1', Math.floor(Date.now() / 1000), body),
    };
    assert.equal(verdictOf(policy, 'sig', forged, Buffer.from(body)).ok, false);
    assert.deepEqual(verdictOf(policy, 'sig', nothing, Buffer.from(body)), {
      ok: false,
      reason: 'no webhook-id, webhook-timestamp or webhook-signature',
    });
    const v0 = {
      ...signed(body),
      webhookSignature: signed(body).webhookSignature.replace('v1,', 'v0,'),
    };
    assert.equal(verdictOf(policy, 'sig', v0, Buffer.from(body)).ok, false);
    const milliseconds = signed(body, Date.now());
    assert.equal(verdictOf(policy, 'sig', milliseconds, Buffer.from(body)).ok, false);
  });

  it('hmac: the timestamp must be within the window, either way', () => {
    const body = '{}';
    const now = Date.now();
    const at = (offsetS: number) => signed(body, Math.floor(now / 1000) + offsetS);
    const check = (offsetS: number, toleranceS = 300) =>
      verdictOf(policy, 'sig', at(offsetS), Buffer.from(body), now, toleranceS);
    assert.equal(check(-299).ok, true);
    assert.equal(check(299).ok, true);
    assert.deepEqual(check(-302), {
      ok: false,
      reason: 'webhook-timestamp outside the 300 s window',
    });
    assert.equal(check(302).ok, false);
    assert.equal(check(-20, 10).ok, false);
    assert.equal(check(-5, 10).ok, true);
    const malformed = { ...at(0), webhookTimestamp: '-1' };
    assert.deepEqual(verdictOf(policy, 'sig', malformed, Buffer.from(body), now), {
      ok: false,
      reason: 'malformed webhook-timestamp',
    });
  });

  it('hmac: missing, malformed or stale headers are refused before the body is read', () => {
    const credentials = policy.credentialsFor('sig');
    const decidedAtOnce = (presented: PresentedCredentials, nowMs = Date.now()) => {
      const result = authenticate(credentials, presented, window(nowMs));
      assert.equal(typeof result, 'object', 'waits for the body');
      return result as Verdict;
    };
    assert.deepEqual(decidedAtOnce(nothing), {
      ok: false,
      reason: 'no webhook-id, webhook-timestamp or webhook-signature',
    });
    assert.equal(decidedAtOnce({ ...signed('{}'), webhookSignature: undefined }).ok, false);
    const in2001 = Date.UTC(2001, 8, 9) / 1000;
    assert.deepEqual(decidedAtOnce(signed('{}', in2001)), {
      ok: false,
      reason: 'webhook-timestamp outside the 300 s window',
    });
    assert.equal(decidedAtOnce(signed('{}', Math.floor(Date.now() / 1000) + 3_600)).ok, false);
    assert.deepEqual(decidedAtOnce(signed('{}', 0, 'msg 1')), {
      ok: false,
      reason: 'malformed webhook-id',
    });
    const fresh = authenticate(credentials, signed('{}'), window());
    assert.equal(typeof fresh, 'function', 'a fresh signed call waits for its body');
  });

  it('a brand with several modes accepts any of them', () => {
    const mixed = WebhookAuthPolicy.parse(`demo=token:${TOKEN};demo=hmac:${HMAC}`);
    assert.deepEqual(authenticate(mixed.credentialsFor('demo'), { tokens: [TOKEN] }, window()), {
      ok: true,
    });
    assert.equal(verdictOf(mixed, 'demo', signed('{}'), Buffer.from('{}')).ok, true);
    assert.equal(verdictOf(mixed, 'demo', { tokens: ['wrong'] }, Buffer.from('{}')).ok, false);
  });

  it('refuses a brand nothing covers', () => {
    assert.deepEqual(verdictOf(policy, 'other', { tokens: [TOKEN] }), {
      ok: false,
      reason: 'no credential covers this brand',
    });
  });

  it('compares secrets of any lengths', () => {
    assert.equal(secretsEqual('a', 'a'), true);
    assert.equal(secretsEqual('a', 'ab'), false);
    assert.equal(secretsEqual(Buffer.alloc(0), ''), true);
    assert.throws(() => WebhookCredential.of('token', 'x'), /a token must be/);
  });
});
