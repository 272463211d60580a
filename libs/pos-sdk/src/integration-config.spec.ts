import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { int, oneOf, optional, readIntegrationConfig, text, url } from './integration-config';

const SETTINGS = {
  POS_URL: url(),
  TIMEOUT_MS: int({ default: 5000, min: 1, max: 60_000 }),
  MODE: oneOf(['live', 'sandbox'], { default: 'live' }),
  API_KEY: optional(text()),
  STORE: text({ default: 'main', pattern: /^[a-z]+$/ }),
};

describe('readIntegrationConfig', () => {
  it('reads typed values, and defaults for unset and empty variables', () => {
    const config = readIntegrationConfig(
      { POS_URL: 'https://pos.example/api//', TIMEOUT_MS: ' 250 ', MODE: '', OTHER: 'x' },
      SETTINGS,
    );
    assert.deepEqual(config, {
      POS_URL: 'https://pos.example/api',
      TIMEOUT_MS: 250,
      MODE: 'live',
      API_KEY: undefined,
      STORE: 'main',
    });
  });

  it('names every bad variable, one a line, without quoting values', () => {
    const read = () =>
      readIntegrationConfig(
        { TIMEOUT_MS: '0', MODE: 'prod', API_KEY: 'secret-key', STORE: 'Main St' },
        SETTINGS,
      );
    assert.throws(read, (error: Error) => {
      assert.equal(
        error.message,
        [
          'Invalid configuration',
          '  POS_URL is required',
          '  TIMEOUT_MS must be an integer from 1 to 60000',
          '  MODE must be one of live, sandbox',
          '  STORE must match ^[a-z]+$',
        ].join('\n'),
      );
      return true;
    });
  });

  it('takes only http and https URLs without credentials', () => {
    const bad = [
      'ftp://pos.example',
      'pos.example',
      'not a url',
      'http://u:p@pos',
      'http://:@pos.example',
      'http:pos.example',
      'http://pos.example/a path',
    ];
    for (const POS_URL of bad) {
      assert.throws(
        () => readIntegrationConfig({ POS_URL }, { POS_URL: url() }),
        /POS_URL must be/,
      );
    }
  });

  it('takes integers only', () => {
    for (const TIMEOUT_MS of ['1.5', 'soon', '1e3', '99999999999999999999']) {
      assert.throws(() => readIntegrationConfig({ TIMEOUT_MS }, { TIMEOUT_MS: int() }), /integer/);
    }
  });

  it('describes each setting for a reference', () => {
    assert.deepEqual(SETTINGS.TIMEOUT_MS.reference, {
      default: '5000',
      required: false,
      allowed: 'integer 1–60000',
    });
    assert.deepEqual(SETTINGS.POS_URL.reference.required, true);
    assert.deepEqual(SETTINGS.API_KEY.reference, {
      default: undefined,
      required: false,
      allowed: 'text',
    });
    assert.equal(SETTINGS.MODE.reference.allowed, '`live`, `sandbox`');
  });

  it('gives the URL as parsed, and the same answer to every read of a pattern', () => {
    const config = readIntegrationConfig({ POS_URL: 'HTTP://Pos.Example:8080/api/' }, SETTINGS);
    assert.equal(config.POS_URL, 'http://pos.example:8080/api');
    const store = { STORE: text({ pattern: /^[a-z]+$/g }) };
    for (let i = 0; i < 3; i += 1) {
      assert.equal(readIntegrationConfig({ STORE: 'main' }, store).STORE, 'main');
    }
  });

  it('keeps the default of an optional setting, and refuses a default its setting refuses', () => {
    const settings = { RETRIES: optional(int({ default: 5 })) };
    assert.equal(readIntegrationConfig({}, settings).RETRIES, 5);
    assert.throws(
      () => int({ default: 0, min: 1 }),
      /the default 0 must be an integer of at least 1/,
    );
    assert.throws(() => url({ default: 'pos.example' }), /the default pos.example must be/);
    assert.equal(readIntegrationConfig({}, { KEY: text({ default: '' }) }).KEY, '');
  });
});
