import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { loadGatewayConfig } from '../config';

const TOKEN = 'tok_9fK2mQ7xVbL4nR8sW1cZ';

function problemOf(env: Record<string, string>): string {
  try {
    loadGatewayConfig(env);
  } catch (error) {
    return (error as Error).message;
  }
  return '';
}

describe('gateway configuration at the edge (TLS, WEBHOOK_AUTH)', () => {
  const dir = mkdtempSync(join(tmpdir(), 'edge-config-'));
  after(() => rmSync(dir, { recursive: true, force: true }));

  it('outside production, starts with neither TLS nor authentication', () => {
    const config = loadGatewayConfig({});
    assert.deepEqual(config.tls, { mode: 'auto', https: undefined });
    assert.equal(config.webhook.auth.state, 'unset');
    assert.equal(config.webhook.hmacToleranceS, 300);
  });

  it('in production, refuses to start without HTTPS or TLS=off, and without WEBHOOK_AUTH or none', () => {
    const problem = problemOf({ NODE_ENV: 'production' });
    assert.match(
      problem,
      /TLS: NODE_ENV=production needs HTTPS: set TLS_CERT_FILE and TLS_KEY_FILE, or TLS=off/,
    );
    assert.match(
      problem,
      /WEBHOOK_AUTH: NODE_ENV=production needs webhook authentication: .* or to "none"/,
    );
    assert.equal(problemOf({ NODE_ENV: 'production', TLS: 'off', WEBHOOK_AUTH: 'none' }), '');
    assert.equal(
      problemOf({ NODE_ENV: 'production', TLS: 'off', WEBHOOK_AUTH: `*=token:${TOKEN}` }),
      '',
    );
  });

  it('takes the certificate and key together only, and not with TLS=off', () => {
    assert.match(
      problemOf({ TLS_CERT_FILE: '/x/cert.pem' }),
      /TLS_CERT_FILE and TLS_KEY_FILE go together/,
    );
    assert.match(problemOf({ TLS_KEY_FILE: '/x/key.pem' }), /go together/);
    assert.match(
      problemOf({ TLS: 'off', TLS_CERT_FILE: '/x/cert.pem', TLS_KEY_FILE: '/x/key.pem' }),
      /TLS=off serves plain HTTP, yet TLS_CERT_FILE is set/,
    );
    assert.match(
      problemOf({ TLS: 'on' }),
      /TLS: TLS must be one of the following values: auto, off/,
    );
  });

  it('names an unreadable or unusable file, never what it holds', () => {
    const missing = problemOf({
      TLS_CERT_FILE: join(dir, 'none.pem'),
      TLS_KEY_FILE: join(dir, 'none.pem'),
    });
    assert.match(missing, /TLS_CERT_FILE: cannot read ".*none\.pem" \(ENOENT\)/);

    const secret = 'MIIEvQIBADANBgkqhkiG9w0BAQEFAASCBKcwggSjAgEAAoIBAQC7';
    writeFileSync(
      join(dir, 'cert.pem'),
      `-----BEGIN CERTIFICATE-----\n${secret}\n-----END CERTIFICATE-----\n`,
    );
    writeFileSync(
      join(dir, 'key.pem'),
      `-----BEGIN PRIVATE KEY-----\n${secret}\n-----END PRIVATE KEY-----\n`,
    );
    const unusable = problemOf({
      TLS_CERT_FILE: join(dir, 'cert.pem'),
      TLS_KEY_FILE: join(dir, 'key.pem'),
    });
    assert.match(unusable, /not a usable PEM certificate and matching private key/);
    assert.ok(!unusable.includes(secret), unusable);
  });

  it('refuses a malformed WEBHOOK_AUTH without quoting it', () => {
    const problem = problemOf({ WEBHOOK_AUTH: `demo=tokn:${TOKEN}` });
    assert.match(problem, /WEBHOOK_AUTH: entry 1 \(demo\): expected <mode>:<secret>/);
    assert.ok(!problem.includes(TOKEN), problem);
    assert.match(problemOf({ WEBHOOK_HMAC_TOLERANCE_S: '0' }), /WEBHOOK_HMAC_TOLERANCE_S/);
  });
});
