import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { readKitchenInboxConfig } from './kitchen-inbox-config';

function read(env: Record<string, string>) {
  const warnings: Array<[string, Record<string, unknown> | undefined]> = [];
  const log = {
    info() {},
    error() {},
    warn: (event: string, fields?: Record<string, unknown>) => warnings.push([event, fields]),
  };
  return { config: readKitchenInboxConfig(env, log), warnings };
}

describe('kitchen-inbox settings', () => {
  it('reads KITCHEN_INBOX_* without a warning', () => {
    const { config, warnings } = read({
      KITCHEN_INBOX_DATABASE_URL: 'postgres://inbox',
      KITCHEN_INBOX_POOL_SIZE: '3',
      KITCHEN_INBOX_CARD_PROCESSOR: 'test',
    });
    assert.equal(config.KITCHEN_INBOX_DATABASE_URL, 'postgres://inbox');
    assert.equal(config.KITCHEN_INBOX_POOL_SIZE, 3);
    assert.equal(config.KITCHEN_INBOX_CARD_PROCESSOR, 'test');
    assert.deepEqual(warnings, []);
  });

  it('reads each deprecated LEDGER_* variable whose new name is unset, with a warning naming it', () => {
    const { config, warnings } = read({
      LEDGER_DATABASE_URL: 'postgres://old',
      LEDGER_POOL_SIZE: '3',
      LEDGER_CARD_PROCESSOR: 'test',
      KITCHEN_INBOX_POOL_SIZE: '',
    });
    assert.equal(config.KITCHEN_INBOX_DATABASE_URL, 'postgres://old');
    assert.equal(config.KITCHEN_INBOX_POOL_SIZE, 3);
    assert.equal(config.KITCHEN_INBOX_CARD_PROCESSOR, 'test');
    assert.deepEqual(
      warnings,
      ['DATABASE_URL', 'POOL_SIZE', 'CARD_PROCESSOR'].map((setting) => [
        'inbox.deprecated_variable',
        { variable: `LEDGER_${setting}`, use: `KITCHEN_INBOX_${setting}` },
      ]),
    );
  });

  it('ignores a LEDGER_* variable whose new name is set, and says so', () => {
    const { config, warnings } = read({
      LEDGER_DATABASE_URL: 'postgres://old',
      KITCHEN_INBOX_DATABASE_URL: 'postgres://new',
    });
    assert.equal(config.KITCHEN_INBOX_DATABASE_URL, 'postgres://new');
    assert.deepEqual(warnings, [
      [
        'inbox.deprecated_variable_ignored',
        { variable: 'LEDGER_DATABASE_URL', use: 'KITCHEN_INBOX_DATABASE_URL' },
      ],
    ]);
  });

  it('validates a deprecated value as the new variable', () => {
    assert.throws(() => read({ LEDGER_CARD_PROCESSOR: 'stripe' }), /KITCHEN_INBOX_CARD_PROCESSOR/);
  });
});
