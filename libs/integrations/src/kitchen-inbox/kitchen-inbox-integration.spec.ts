import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { PosOrder, SqlClient, SqlDatabase, isPosFailure } from '@wix-pos-gateway/pos-sdk';
import { kitchenInboxIntegration } from './kitchen-inbox-integration';

const silent = { info() {}, warn() {}, error() {} };

/** A database whose every statement succeeds, but for the first that `fails` picks. */
function database(fails: (text: string) => boolean): SqlDatabase {
  let failed = false;
  const query = async (text: string) => {
    if (!failed && fails(text)) {
      failed = true;
      throw new Error('Connection terminated unexpectedly');
    }
    return { rows: [{ ticket: 7, voided: false }] as never[], rowCount: 1 };
  };
  const client: SqlClient = { query, release: () => undefined };
  return { query, connect: async () => client, end: async () => undefined };
}

const order = {
  brand: 'demo',
  restaurantId: 'r-1',
  wixOrderId: 'w-1',
  idempotencyKey: 'wix:demo:w-1',
  lines: [],
  wixOrder: { id: 'w-1', restaurantId: 'r-1', orderItems: [] },
  menu: { items: [] },
  receivedAt: new Date(),
} as unknown as PosOrder;

async function submitWith(fails: (text: string) => boolean): Promise<unknown> {
  const inbox = await kitchenInboxIntegration({
    brand: 'demo',
    env: {},
    log: silent,
    database: database(fails),
  });
  const context = {
    signal: new AbortController().signal,
    deadline: new Date(Date.now() + 5_000),
    attempt: 1,
    log: silent,
  };
  return inbox.submitOrder(order, context).then(
    () => assert.fail('the order was taken'),
    (error: unknown) => error,
  );
}

describe('kitchen-inbox integration: a connection lost mid-order', () => {
  it('before the commit: unavailable, and no order can exist', async () => {
    const error = await submitWith((text) => text.includes('INSERT INTO pos_inbox '));
    assert.ok(isPosFailure(error));
    assert.equal(error.kind, 'pos_unavailable');
    assert.equal(error.orderMayExist, false);
  });

  it('during the commit: unavailable, and the order may exist (the worker voids it by key)', async () => {
    const error = await submitWith((text) => text === 'COMMIT');
    assert.ok(isPosFailure(error));
    assert.equal(error.kind, 'pos_unavailable');
    assert.equal(error.orderMayExist, true);
  });
});

describe('kitchen-inbox integration: the deprecated LEDGER_DATABASE_URL', () => {
  // Nothing listens on these ports: the refused address shows which database the inbox opened.
  const OLD = 'postgres://postgres@127.0.0.1:1/old';
  const NEW = 'postgres://postgres@127.0.0.1:2/new';

  async function start(env: Record<string, string>) {
    const warnings: unknown[] = [];
    const log = {
      ...silent,
      warn: (event: string, fields?: unknown) => warnings.push({ event, fields }),
    };
    const opened = kitchenInboxIntegration({
      brand: 'demo',
      env,
      log,
      database: database(() => false),
    });
    const error = await Promise.resolve(opened).then(
      () => assert.fail('the inbox opened a database that does not exist'),
      (error: unknown) => error,
    );
    return { error, warnings };
  }

  it('is the inbox database when KITCHEN_INBOX_DATABASE_URL is unset, with a warning', async () => {
    const { error, warnings } = await start({ LEDGER_DATABASE_URL: OLD });
    assert.match(String(error), /ECONNREFUSED 127\.0\.0\.1:1\b/);
    assert.deepEqual(warnings, [
      {
        event: 'inbox.deprecated_variable',
        fields: { variable: 'LEDGER_DATABASE_URL', use: 'KITCHEN_INBOX_DATABASE_URL' },
      },
    ]);
  });

  it('is ignored when KITCHEN_INBOX_DATABASE_URL is set', async () => {
    const { error } = await start({ LEDGER_DATABASE_URL: OLD, KITCHEN_INBOX_DATABASE_URL: NEW });
    assert.match(String(error), /ECONNREFUSED 127\.0\.0\.1:2\b/);
  });
});
