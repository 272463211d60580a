import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { describe, it } from 'node:test';
import { loadGatewayConfig } from '../config';
import { signStandardWebhook } from './webhook-auth';
import { AuthCheck, UNAUTHENTICATED, WebhookAuthenticator } from './webhook-authenticator';
import { WebhookRequest } from './webhook-request';

const HMAC = `whsec_${randomBytes(32).toString('base64')}`;
const BODY = Buffer.from('{"order":{"id":"1"}}');

function authenticator(): WebhookAuthenticator {
  const config = loadGatewayConfig({ WEBHOOK_AUTH: `demo=hmac:${HMAC}` });
  return new WebhookAuthenticator(config);
}

function request(headers: Record<string, string>, complete = false): WebhookRequest {
  return {
    params: { brand: 'demo' },
    originalUrl: '/webhooks/wix/demo',
    headers,
    complete,
  } as never;
}

function signedHeaders(id: string, timestampS = Math.floor(Date.now() / 1000), body = BODY) {
  return {
    'webhook-id': id,
    'webhook-timestamp': String(timestampS),
    'webhook-signature': signStandardWebhook(HMAC, id, timestampS, body),
  };
}

function verifyBody(check: AuthCheck, body = BODY): string {
  if (check.state !== 'needs-body') assert.fail(`decided before the body: ${check.state}`);
  return check.verify(body);
}

/** What `reject` answered: status, headers and body. */
function rejected(auth: WebhookAuthenticator, req: WebhookRequest) {
  const answer = { status: 0, headers: {} as Record<string, string>, body: undefined as unknown };
  const res = {
    setHeader: (name: string, value: string) => (answer.headers[name.toLowerCase()] = value),
    status: (status: number) => ((answer.status = status), res),
    json: (body: unknown) => (answer.body = body),
  };
  auth.reject(req, res as never);
  return answer;
}

describe('WebhookAuthenticator with Standard Webhooks signatures', () => {
  it('refuses a call without signature headers, or stamped in 2001, before its body', () => {
    const auth = authenticator();
    assert.deepEqual(auth.begin(request({})), { state: 'failed' });
    const in2001 = Date.UTC(2001, 8, 9) / 1000;
    assert.deepEqual(auth.begin(request(signedHeaders('msg_old', in2001))), { state: 'failed' });
  });

  it("takes a webhook-id sent again, as a sender's retry sends it; a signature on another body fails", () => {
    const auth = authenticator();
    const headers = signedHeaders('msg_1');
    assert.equal(verifyBody(auth.begin(request(headers))), 'passed');
    assert.equal(verifyBody(auth.begin(request(headers))), 'passed');
    const retried = signedHeaders('msg_1', Math.floor(Date.now() / 1000) - 10);
    assert.equal(verifyBody(auth.begin(request(retried))), 'passed');
    const other = Buffer.from('{"order":{"id":"2"}}');
    assert.equal(verifyBody(auth.begin(request(headers)), other), 'unauthenticated');
  });

  it('answers 401 with the SPI error body, closing the connection when the body is unread', () => {
    const auth = authenticator();
    const early = rejected(auth, request({}));
    assert.deepEqual(early, {
      status: 401,
      headers: { connection: 'close' },
      body: UNAUTHENTICATED,
    });
    const afterBody = rejected(auth, request({}, true));
    assert.deepEqual(afterBody, { status: 401, headers: {}, body: UNAUTHENTICATED });
  });
});
