import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { PosOrder, SqlClient, SqlDatabase, isPosFailure } from '@wix-pos-gateway/pos-sdk';
import { kitchenInboxIntegration } from './kitchen-inbox-integration';

const silent = { info() {}, warn() {}, error() {} };

/** A database whose every statement succeeds, but for the first that `fails` picks. */
function database(
  fails: (text: string) => boolean,
  error: () => Error = () => new Error('Connection terminated unexpectedly'),
): SqlDatabase {
  let failed = false;
  const query = async (text: string) => {
    if (!failed && fails(text)) {
      failed = true;
      throw error();
    }
    return { rows: [{ ticket: 7, voided: false }] as never[], rowCount: 1 };
  };
  const client: SqlClient = { query, release: () => undefined };
  return { query, connect: async () => client, end: async () => undefined };
}

/** An error as PostgreSQL answers it, with its severity and SQLSTATE. */
const serverError = (code: string) => () =>
  Object.assign(new Error('canceling statement due to lock timeout'), { severity: 'ERROR', code });

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

async function submitWith(fails: (text: string) => boolean, error?: () => Error): Promise<unknown> {
  const inbox = await kitchenInboxIntegration({
    brand: 'demo',
    env: {},
    log: silent,
    database: database(fails, error),
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

const theTake = (text: string) => text.includes('FROM pos_inbox_take(');

describe('kitchen-inbox integration: an order that fails in its one statement', () => {
  it('refused by PostgreSQL (a lock wait past the deadline): unavailable, and no order exists', async () => {
    const error = await submitWith(theTake, serverError('55P03'));
    assert.ok(isPosFailure(error));
    assert.equal(error.kind, 'pos_unavailable');
    assert.equal(error.orderMayExist, false);
  });

  it('cancelled past the deadline: unavailable, and no order exists', async () => {
    const error = await submitWith(theTake, serverError('57014'));
    assert.ok(isPosFailure(error));
    assert.equal(error.kind, 'pos_unavailable');
    assert.equal(error.orderMayExist, false);
  });

  it('a connection lost mid-statement: unavailable, and the order may exist (the worker voids it by key)', async () => {
    const error = await submitWith(theTake);
    assert.ok(isPosFailure(error));
    assert.equal(error.kind, 'pos_unavailable');
    assert.equal(error.orderMayExist, true);
  });
});

describe('kitchen-inbox integration: card payments of an order that fails', () => {
  const paidOrder = {
    ...order,
    cards: { t: { number: '4242424242424242', expireMonth: 12, expireYear: 2040 } },
    wixOrder: {
      ...order.wixOrder,
      payments: [{ type: 'credit', amount: 5, cardToken: { token: 't' } }],
    },
  } as unknown as PosOrder;

  /** Submits a card order on a database where each statement `failure` names fails. */
  async function submitPaid(failure: (text: string) => Error | undefined) {
    const statements: string[] = [];
    const query = async (text: string, values?: unknown[]) => {
      statements.push(`${text} ${JSON.stringify(values ?? [])}`);
      const error = failure(text);
      if (error) throw error;
      const rows = text.includes('FROM card_authorize(')
        ? [{ auth_outcome: 'approved', auth_id: 'AUTH-1' }]
        : [{ ticket: 7, voided: false }];
      return { rows: rows as never[], rowCount: 1 };
    };
    const client: SqlClient = { query, release: () => undefined };
    const inbox = await kitchenInboxIntegration({
      brand: 'demo',
      env: { KITCHEN_INBOX_CARD_PROCESSOR: 'test' },
      log: silent,
      database: { query, connect: async () => client, end: async () => undefined },
    });
    const context = {
      signal: new AbortController().signal,
      deadline: new Date(Date.now() + 5_000),
      attempt: 1,
      log: silent,
    };
    const error = await inbox.submitOrder(paidOrder, context).then(
      () => assert.fail('the order was taken'),
      (error: unknown) => error,
    );
    assert.ok(isPosFailure(error));
    const voids = statements.filter((text) => text.startsWith('SELECT card_void('));
    return { error, voids };
  }

  const cut = () => new Error('Connection terminated unexpectedly');
  const lockWait = serverError('55P03');

  it('an authorization cut off mid-statement may have run: the worker voids the attempt for good', async () => {
    const { error, voids } = await submitPaid((text) =>
      text.includes('FROM card_authorize(') ? cut() : undefined,
    );
    assert.equal(error.orderMayExist, true);
    assert.deepEqual(voids, []);
  });

  it('an authorization never sent leaves nothing to void', async () => {
    const never = () => new Error('timeout exceeded when trying to connect');
    const { error, voids } = await submitPaid((text) =>
      text.includes('FROM card_authorize(') ? never() : undefined,
    );
    assert.equal(error.orderMayExist, false);
    assert.deepEqual(voids, []);
  });

  it('a take PostgreSQL refused after the card was authorized voids it, for a retry to pay again', async () => {
    const { error, voids } = await submitPaid((text) => (theTake(text) ? lockWait() : undefined));
    assert.equal(error.kind, 'pos_unavailable');
    assert.equal(error.orderMayExist, false);
    assert.deepEqual(voids, ['SELECT card_void($1, $2, $3) ["demo","wix:demo:w-1",false]']);
  });

  it('a void of the card that fails leaves the order to the worker to void by its key', async () => {
    const { error, voids } = await submitPaid((text) =>
      theTake(text) ? lockWait() : text.startsWith('SELECT card_void(') ? cut() : undefined,
    );
    assert.equal(error.orderMayExist, true);
    assert.match(error.message, /its card payments could not be voided/);
    assert.equal(voids.length, 1);
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
