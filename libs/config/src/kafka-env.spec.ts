import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { KafkaEnv, kafkaSecurity } from './kafka-env';
import { loadConfig } from './load-config';

const SECRET = 'pw-Do-Not-Print-4b1e';
const env = (vars: Record<string, string>) => loadConfig(KafkaEnv, vars);
const refusal = (vars: Record<string, string>) => {
  try {
    kafkaSecurity(env(vars));
  } catch (error) {
    const message = String(error);
    assert.ok(!message.includes(SECRET), 'a secret is in the message');
    return message;
  }
  return assert.fail('the settings were taken');
};

describe('kafkaSecurity', () => {
  const dir = mkdtempSync(join(tmpdir(), 'kafka-env-'));
  const ca = join(dir, 'ca.pem');
  writeFileSync(ca, '-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n');
  const passwordFile = join(dir, 'password');
  writeFileSync(passwordFile, `${SECRET}\n`);

  it('is plaintext with no authentication by default', () => {
    assert.deepEqual(kafkaSecurity(env({})), {});
  });

  it('takes TLS with a CA file, and SCRAM with a password from a file', () => {
    const security = kafkaSecurity(
      env({
        KAFKA_SSL: 'on',
        KAFKA_SSL_CA_FILE: ca,
        KAFKA_SASL_MECHANISM: 'scram-sha-512',
        KAFKA_SASL_USERNAME: 'gateway',
        KAFKA_SASL_PASSWORD_FILE: passwordFile,
      }),
    );
    assert.deepEqual(security.ssl, {
      ca: [`-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n`],
    });
    assert.deepEqual(security.sasl, {
      mechanism: 'scram-sha-512',
      username: 'gateway',
      password: SECRET,
    });
  });

  it('refuses PLAIN without TLS, a mechanism without credentials, credentials without one', () => {
    assert.match(
      refusal({
        KAFKA_SASL_MECHANISM: 'plain',
        KAFKA_SASL_USERNAME: 'u',
        KAFKA_SASL_PASSWORD: SECRET,
      }),
      /KAFKA_SASL_MECHANISM: plain sends the password in clear/,
    );
    const missing = refusal({ KAFKA_SASL_MECHANISM: 'scram-sha-256' });
    assert.match(missing, /KAFKA_SASL_USERNAME: scram-sha-256 needs a user/);
    assert.match(missing, /KAFKA_SASL_PASSWORD: scram-sha-256 needs a password/);
    assert.match(
      refusal({ KAFKA_SASL_USERNAME: 'u', KAFKA_SASL_PASSWORD: SECRET }),
      /a user or password is set, but no mechanism/,
    );
  });

  it('refuses files it cannot use, and a password given twice', () => {
    assert.match(
      refusal({ KAFKA_SSL: 'on', KAFKA_SSL_CA_FILE: join(dir, 'missing.pem') }),
      /KAFKA_SSL_CA_FILE: cannot read the file \(ENOENT\)/,
    );
    assert.match(refusal({ KAFKA_SSL: 'on', KAFKA_SSL_CA_FILE: passwordFile }), /holds no PEM/);
    assert.match(refusal({ KAFKA_SSL_CA_FILE: ca }), /KAFKA_SSL is off/);
    assert.match(
      refusal({
        KAFKA_SASL_MECHANISM: 'scram-sha-512',
        KAFKA_SASL_USERNAME: 'u',
        KAFKA_SASL_PASSWORD: SECRET,
        KAFKA_SASL_PASSWORD_FILE: passwordFile,
      }),
      /set together with KAFKA_SASL_PASSWORD/,
    );
  });

  it('refuses an unknown mechanism or TLS switch at load, naming the variable', () => {
    assert.throws(() => env({ KAFKA_SASL_MECHANISM: 'gssapi' }), /KAFKA_SASL_MECHANISM/);
    assert.throws(() => env({ KAFKA_SSL: 'yes' }), /KAFKA_SSL/);
  });
});
