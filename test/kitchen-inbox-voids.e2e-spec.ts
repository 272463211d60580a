import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { kitchenInboxIntegration } from '@wix-pos-gateway/integrations';
import { PosIntegration, PosOrder, SqlDatabase } from '@wix-pos-gateway/pos-sdk';
import { Client } from 'pg';
import { sql } from './support/ledger';
import { required } from './support/processes';

const silent = { info() {}, warn() {}, error() {} };
const noDatabase = new Proxy({} as SqlDatabase, {
  get: () => () => Promise.reject(new Error('the inbox has a database of its own here')),
});

function order(brand: string): PosOrder {
  const wixOrderId = randomUUID();
  return {
    brand,
    restaurantId: 'r-1',
    wixOrderId,
    idempotencyKey: `wix:${brand}:${wixOrderId}`,
    lines: [{ itemId: 'soda', posItemId: 'DRINK-SODA', count: 1, choices: [] }],
    wixOrder: { id: wixOrderId, restaurantId: 'r-1', orderItems: [] },
    menu: { items: [] },
    receivedAt: new Date(),
  };
}

const context = () => ({
  signal: AbortSignal.timeout(10_000),
  deadline: new Date(Date.now() + 10_000),
  attempt: 1,
  log: silent,
});

/** Submits with 300 ms left: unavailable, no order can exist, and well within 2 s. */
async function givenUp(inbox: PosIntegration, late: PosOrder): Promise<void> {
  const started = Date.now();
  const failure = await inbox
    .submitOrder(late, { ...context(), deadline: new Date(Date.now() + 300) })
    .then(
      () => assert.fail('the order was taken'),
      (error: unknown) => error as { kind?: string; orderMayExist?: boolean },
    );
  assert.equal(failure.kind, 'pos_unavailable');
  assert.equal(failure.orderMayExist, false);
  assert.ok(Date.now() - started < 2_000, `waited ${Date.now() - started} ms`);
}

/** Runs `during` while another session holds every restaurant's next ticket. */
async function withTicketsHeld(during: () => Promise<void>): Promise<void> {
  const holder = new Client({ connectionString: required('DATABASE_URL') });
  await holder.connect();
  try {
    await holder.query('BEGIN');
    await holder.query('LOCK TABLE pos_inbox_tickets IN EXCLUSIVE MODE');
    await during();
  } finally {
    await holder.query('COMMIT');
    await holder.end();
  }
}

describe('the kitchen inbox and voids', () => {
  const brand = `voids-${randomUUID().slice(0, 8)}`;
  let inbox: PosIntegration;

  before(async () => {
    const env = { KITCHEN_INBOX_DATABASE_URL: required('DATABASE_URL') };
    inbox = await kitchenInboxIntegration({ brand, env, log: silent, database: noDatabase });
  });
  after(() => inbox.close?.());

  const voided = async (key: string) =>
    sql<{ voided: boolean }>(
      'SELECT voided_at IS NOT NULL AS voided FROM pos_inbox WHERE brand = $1 AND idempotency_key = $2',
      [brand, key],
    );

  it('refuses a create that comes after the void of its key', async () => {
    const late = order(brand);
    await inbox.cancelOrder!(late, context());
    await assert.rejects(inbox.submitOrder(late, context()), /voided before it reached/);
    assert.deepEqual(await voided(late.idempotencyKey), []);
  });

  it('voids an order whose void comes while its create is still uncommitted', async () => {
    const racing = order(brand);
    // Holds the create inside its transaction, after its key is locked, as a busy inbox would.
    const locker = new Client({ connectionString: required('DATABASE_URL') });
    await locker.connect();
    await locker.query('BEGIN');
    await locker.query('LOCK TABLE pos_inbox_tickets IN EXCLUSIVE MODE');
    const created = inbox.submitOrder(racing, context());
    await sleep(300);
    const cancelled = inbox.cancelOrder!(racing, context());
    await sleep(300);
    await locker.query('COMMIT');
    await locker.end();

    const { posOrderId } = await created;
    await cancelled;
    assert.match(posOrderId, /^\d+$/);
    assert.deepEqual(await voided(racing.idempotencyKey), [{ voided: true }]);
  });

  it('refuses a create held at its key by a void, under the lock a parameter names', async () => {
    // Quotes, a backslash and a newline: the create's lock names the key as a literal.
    const held = { ...order(brand), idempotencyKey: `wix:${brand}:O'Brien\\x\n${randomUUID()}` };
    const voider = new Client({ connectionString: required('DATABASE_URL') });
    await voider.connect();
    try {
      await voider.query('BEGIN');
      await voider.query('SELECT pg_advisory_xact_lock(7311402, hashtext($1))', [
        `${brand}\n${held.idempotencyKey}`,
      ]);
      // Handled from the start: the create may fail before this test's COMMIT returns.
      const refused = assert.rejects(
        inbox.submitOrder(held, context()),
        /voided before it reached/,
      );
      await sleep(300);
      await voider.query('INSERT INTO pos_inbox_voids (brand, idempotency_key) VALUES ($1, $2)', [
        brand,
        held.idempotencyKey,
      ]);
      await voider.query('COMMIT');
      await refused;
      assert.deepEqual(await voided(held.idempotencyKey), []);
    } finally {
      await voider.end();
    }
  });

  it('gives a retry under the same key the ticket it already has', async () => {
    const once = { ...order(brand), idempotencyKey: `wix:${brand}:it's\\${randomUUID()}` };
    const first = await inbox.submitOrder(once, context());
    const again = await inbox.submitOrder(once, context());
    assert.equal(again.posOrderId, first.posOrderId);
    assert.deepEqual(await voided(once.idempotencyKey), [{ voided: false }]);
  });

  it('waits for its key no longer than its deadline, and then writes nothing', async () => {
    const late = order(brand);
    const holder = new Client({ connectionString: required('DATABASE_URL') });
    await holder.connect();
    try {
      await holder.query('BEGIN');
      await holder.query('SELECT pg_advisory_xact_lock(7311402, hashtext($1))', [
        `${brand}\n${late.idempotencyKey}`,
      ]);
      await givenUp(inbox, late);
      await holder.query('COMMIT');
      assert.deepEqual(await voided(late.idempotencyKey), []);
    } finally {
      await holder.end();
    }
  });

  it("waits for its restaurant's next ticket no longer than its deadline, and keeps nothing", async () => {
    const late = order(brand);
    await withTicketsHeld(() => givenUp(inbox, late));
    assert.deepEqual(await voided(late.idempotencyKey), []);
  });
});

describe('the kitchen inbox and voids: card payments', () => {
  const brand = `voids-cards-${randomUUID().slice(0, 8)}`;
  const APPROVED = '4242424242424242';
  const DECLINED = '4000000000000002';
  let inbox: PosIntegration;

  before(async () => {
    const env = {
      KITCHEN_INBOX_DATABASE_URL: required('DATABASE_URL'),
      KITCHEN_INBOX_CARD_PROCESSOR: 'test',
    };
    inbox = await kitchenInboxIntegration({ brand, env, log: silent, database: noDatabase });
  });
  after(() => inbox.close?.());

  /** An order paid by one card per number given, 500 each. */
  const paid = (...numbers: string[]): PosOrder => {
    const base = order(brand);
    const cards = Object.fromEntries(
      numbers.map((number, i) => [`tok-${i}`, { number, expireMonth: 12, expireYear: 2040 }]),
    );
    const payments = numbers.map((_, i) => ({
      type: 'credit',
      amount: 500,
      cardToken: { token: `tok-${i}` },
    }));
    return { ...base, cards, wixOrder: { ...base.wixOrder, payments } };
  };

  const authorizations = (wixOrderId: string) =>
    sql<{ key: string; outcome: string }>(
      `SELECT idempotency_key AS key, outcome FROM card_authorizations
        WHERE brand = $1 AND wix_order_id = $2 ORDER BY created_at, idempotency_key`,
      [brand, wixOrderId],
    );

  it("voids the cards of a voided order, refuses a payment that comes after, and a retry's new key pays once", async () => {
    const first = paid(APPROVED);
    await inbox.submitOrder(first, context());
    await inbox.cancelOrder!(first, context());
    assert.deepEqual(await authorizations(first.wixOrderId), [
      { key: `${first.idempotencyKey}:payment-0`, outcome: 'voided' },
    ]);
    // A worker that stalled past the void still submits under the voided key: nothing is charged.
    await assert.rejects(inbox.submitOrder(first, context()), /voided before its card payment/);
    // The retry of the voided order comes under a new key: one live authorization in all.
    const retry = { ...first, idempotencyKey: `wix2:${brand}:${first.wixOrderId}` };
    await inbox.submitOrder(retry, context());
    assert.deepEqual(await authorizations(first.wixOrderId), [
      { key: `${first.idempotencyKey}:payment-0`, outcome: 'voided' },
      { key: `${retry.idempotencyKey}:payment-0`, outcome: 'approved' },
    ]);
  });

  it('voids the cards a worker of an earlier version authorized, once the inbox is opened again', async () => {
    const earlier = paid(APPROVED);
    // As the earlier schema wrote it: no attempt key.
    await sql(
      `INSERT INTO card_authorizations (idempotency_key, brand, wix_order_id, amount, currency,
                                        card, outcome, authorization_id)
       VALUES ($1, $2, $3, 500, 'USD', '{}', 'approved', 'AUTH-old')`,
      [`${earlier.idempotencyKey}:payment-0`, brand, earlier.wixOrderId],
    );
    const reopened = await kitchenInboxIntegration({
      brand,
      env: {
        KITCHEN_INBOX_DATABASE_URL: required('DATABASE_URL'),
        KITCHEN_INBOX_CARD_PROCESSOR: 'test',
      },
      log: silent,
      database: noDatabase,
    });
    try {
      await reopened.cancelOrder!(earlier, context());
    } finally {
      await reopened.close?.();
    }
    assert.deepEqual(await authorizations(earlier.wixOrderId), [
      { key: `${earlier.idempotencyKey}:payment-0`, outcome: 'voided' },
    ]);
  });

  it('voids the payment it authorized when a later card of the order is declined', async () => {
    const split = paid(APPROVED, DECLINED);
    await assert.rejects(inbox.submitOrder(split, context()), /the card was declined/);
    assert.deepEqual(await authorizations(split.wixOrderId), [
      { key: `${split.idempotencyKey}:payment-0`, outcome: 'voided' },
      { key: `${split.idempotencyKey}:payment-1`, outcome: 'declined' },
    ]);
  });

  it('voids the cards of an order the inbox gave up at its deadline, and a retry under its key pays again', async () => {
    const late = paid(APPROVED);
    await withTicketsHeld(() => givenUp(inbox, late));
    assert.deepEqual(await authorizations(late.wixOrderId), [
      { key: `${late.idempotencyKey}:payment-0`, outcome: 'voided' },
    ]);
    await inbox.submitOrder(late, context());
    assert.deepEqual(await authorizations(late.wixOrderId), [
      { key: `${late.idempotencyKey}:payment-0`, outcome: 'approved' },
    ]);
  });
});
