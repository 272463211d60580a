import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { postOrder } from './support/http';
import { readAllTopics } from './support/kafka';
import { sql } from './support/ledger';
import { SpiBody, example, renamed, uniqueBrand, wixId } from './support/orders';
import { AppProcess, startGateway, startWorker, stopAll } from './support/processes';

/** The test processor's documented cards (`libs/integrations/src/kitchen-inbox/card-processor.ts`). */
const APPROVED = '4111111111111111';
const DECLINED = '4000000000000002';
const OUTAGE = '4000000000000119';
const LUHN_INVALID = '4111111111111112';
const EXPIRED = '5555555555554444';
/** Put outside `cards`: in a comment, a payment's public card, a field Wix never sends. */
const ASIDE = [
  '4012888888881881',
  '5105105105105100',
  '6011000990139424',
  '3566002020360505',
  '4242424242424242',
  '2223003122003222',
  '5200828282828210',
];
const PANS = [APPROVED, DECLINED, OUTAGE, LUHN_INVALID, EXPIRED, ...ASIDE];

/** A PAN however it is written: digits full-width or ASCII, groups split by a few separators. */
function written(pan: string): RegExp {
  return new RegExp(pan.split('').join('[^0-9]{0,3}'));
}

/** Full-width and Arabic-Indic digits as ASCII. */
function asciiDigits(text: string): string {
  return text
    .replace(/[\uFF10-\uFF19]/g, (d) => String(d.charCodeAt(0) - 0xff10))
    .replace(/[\u0660-\u0669]/g, (d) => String(d.charCodeAt(0) - 0x660));
}
const CSC = '9731';

/** The card example with a fresh order id, paid with this card. */
function cardOrder(number: string, expiration = { year: 2031, month: 7 }): SpiBody {
  const body = renamed(example('order-delivery-card'), wixId());
  body.cards = {
    card_token_1: { number, expiration, csc: CSC, additionalFields: { holderId: '031234567' } },
  };
  return body;
}

/** The card payment of `cardOrder`'s body. */
function paymentOf(body: SpiBody): {
  cardToken: { token: string; creditCard: Record<string, unknown> };
} {
  const { payments } = body.order as unknown as { payments: ReturnType<typeof paymentOf>[] };
  return payments[0];
}

describe('card payments cleared by the POS', () => {
  const brand = uniqueBrand('cards');
  let gateway: AppProcess;
  let workers: AppProcess[];
  const post = (body: unknown) => postOrder(gateway.url, brand, body);

  before(async () => {
    workers = await Promise.all([startWorker(brand), startWorker(brand)]);
    gateway = await startGateway();
  });
  after(stopAll);

  it('takes an approved card order; the ledger keeps only network, first 6 / last 4 and expiry', async () => {
    const body = cardOrder(APPROVED);
    const answer = await post(body);
    assert.match(answer.body.value?.orderId ?? JSON.stringify(answer.body), /^\d+$/);

    const masked = {
      network: 'visa',
      first6: '411111',
      last4: '1111',
      expireMonth: 7,
      expireYear: 2031,
    };
    const [ledger] = await sql<{ cards: unknown }>(
      'SELECT cards FROM order_ledger WHERE brand = $1 AND wix_order_id = $2',
      [brand, body.order.id],
    );
    assert.deepEqual(ledger.cards, { card_token_1: masked });
    const [inbox] = await sql<{ payments: Array<Record<string, unknown>> }>(
      'SELECT payments FROM pos_inbox WHERE brand = $1 AND wix_order_id = $2',
      [brand, body.order.id],
    );
    assert.deepEqual(
      inbox.payments.map((p) => p.card),
      [masked],
    );
    assert.match(String(inbox.payments[0].authorizationId), /^AUTH-/);
    const [authorization] = await sql<{ card: unknown; amount: string; outcome: string }>(
      'SELECT card, amount, outcome FROM card_authorizations WHERE wix_order_id = $1',
      [body.order.id],
    );
    assert.deepEqual(authorization, { card: masked, amount: '10900', outcome: 'approved' });
  });

  it('answers cc_rejected to a declined, expired or Luhn-invalid card, a token not in cards, and no currency', async () => {
    const missingToken = cardOrder(APPROVED);
    missingToken.cards = {
      another_token: (missingToken.cards as Record<string, unknown>).card_token_1,
    };
    const noCards = cardOrder(APPROVED);
    delete noCards.cards;
    const noCurrency = cardOrder(APPROVED);
    delete noCurrency.order.currency;
    const cases: Array<[string, SpiBody, RegExp]> = [
      ['declined', cardOrder(DECLINED), /declined/],
      ['expired', cardOrder(EXPIRED, { year: 2020, month: 1 }), /expired 01\/2020/],
      ['Luhn-invalid', cardOrder(LUHN_INVALID), /fails the Luhn check/],
      ['missing token', missingToken, /card_token_1/],
      ['no cards at all', noCards, /card_token_1/],
      ['no currency', noCurrency, /a card payment in an order without a currency/],
    ];
    for (const [name, body, reason] of cases) {
      const { error } = (await post(body)).body;
      assert.equal(error?.code, 'cc_rejected', `${name}: ${JSON.stringify(error)}`);
      assert.match(error?.description ?? '', reason, name);
      for (const secret of [...PANS, CSC]) assert.ok(!error?.description.includes(secret), name);
    }
  });

  it('answers endpoint_down while the card processor is out, and charges nothing', async () => {
    const body = cardOrder(OUTAGE);
    assert.equal((await post(body)).body.error?.code, 'endpoint_down');
    const rows = await sql('SELECT 1 FROM card_authorizations WHERE wix_order_id = $1', [
      body.order.id,
    ]);
    assert.equal(rows.length, 0);
  });

  it('authorizes a card order posted 5 times at once once, as one POS order', async () => {
    const body = cardOrder(APPROVED);
    const answers = await Promise.all(Array.from({ length: 5 }, () => post(body)));
    const ids = new Set(answers.map((answer) => answer.body.value?.orderId));
    assert.equal(ids.size, 1, JSON.stringify(answers.map((a) => a.body)));
    const authorizations = await sql<{ requests: number }>(
      'SELECT requests FROM card_authorizations WHERE wix_order_id = $1',
      [body.order.id],
    );
    assert.deepEqual(authorizations, [{ requests: 1 }]);
    const orders = await sql('SELECT 1 FROM pos_inbox WHERE wix_order_id = $1', [body.order.id]);
    assert.equal(orders.length, 1);
  });

  it('holds no card for an order answered endpoint_down, and authorizes its retry once', async () => {
    const body = cardOrder(APPROVED);
    // The inbox fails after the card was authorized: a retryable failure of the POS.
    await sql(`CREATE OR REPLACE FUNCTION test_busy_inbox() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN IF NEW.wix_order_id = '${body.order.id}' THEN
        RAISE EXCEPTION 'inbox busy' USING ERRCODE = '40001'; END IF; RETURN NEW; END $$`);
    await sql(`CREATE TRIGGER test_busy_inbox BEFORE INSERT ON pos_inbox
      FOR EACH ROW EXECUTE FUNCTION test_busy_inbox()`);
    try {
      assert.equal((await post(body)).body.error?.code, 'endpoint_down');
    } finally {
      await sql('DROP TRIGGER test_busy_inbox ON pos_inbox');
    }
    const authorizations = () =>
      sql<{ outcome: string; requests: number }>(
        'SELECT outcome, requests FROM card_authorizations WHERE wix_order_id = $1',
        [body.order.id],
      );
    assert.deepEqual(await authorizations(), [{ outcome: 'voided', requests: 1 }]);
    assert.match((await post(body)).body.value?.orderId ?? '', /^\d+$/);
    assert.deepEqual(await authorizations(), [{ outcome: 'approved', requests: 2 }]);
  });

  it('refuses card data, without sending it on, when card payments are off', async () => {
    const off = await startGateway({ CARD_PAYMENTS: 'off' });
    const answer = await postOrder(off.url, brand, cardOrder(APPROVED));
    assert.equal(answer.body.error?.code, 'pos_error');
    assert.match(answer.body.error?.description ?? '', /CARD_PAYMENTS is off/);
  });

  it('masks card numbers put anywhere outside cards, a token among them, and refuses them as last digits', async () => {
    const body = cardOrder(APPROVED);
    const order = body.order as Record<string, unknown>;
    order.comment = `card ${ASIDE[0].replace(/(\d{4})(?=\d)/g, '$1.')} please`;
    order.remark = `or ${ASIDE[0].slice(0, 4)}-${ASIDE[0].slice(4, 8)} ${ASIDE[0].slice(8, 12)}.${ASIDE[0].slice(12)}`;
    order.status = ASIDE[1].replace(/(\d{4})(?=\d)/g, '$1\u00a0');
    order.card = { number: ASIDE[2], cvv: CSC };
    paymentOf(body).cardToken.creditCard.network = asciiDigits(ASIDE[3]).replace(/\d/g, (d) =>
      String.fromCharCode(d.charCodeAt(0) + 0xfee0),
    );
    paymentOf(body).cardToken.creditCard.additionalFields = { security_code: CSC, cvc2: CSC };
    order.extra = [Number(ASIDE[4]), ASIDE[5].replace(/(\d{4})(?=\d)/g, '$1\t')];
    order.note = `${Array.from(ASIDE[6], (d) => String.fromCharCode(0x660 + Number(d))).join('')}${CSC}`;
    // Under a key no SPI id has, though it ends in Id, and under `id` where it names nothing.
    order.properties = { paymentId: ASIDE[3] };
    order.user = { id: ASIDE[5] };
    paymentOf(body).cardToken.creditCard.id = ASIDE[6];
    // Read out in pairs or threes, or copied in two halves on two lines.
    order.readOut = [
      ASIDE[0].replace(/(\d{2})(?=\d)/g, '$1 '),
      ASIDE[1].replace(/(\d{3})(?=\d)/g, '$1 '),
      `${ASIDE[2].slice(0, 8)}\n${ASIDE[2].slice(8)}`,
    ];
    // Spread out in other layouts, parted by `:`, six spaces, an escaped space or a tag, and a
    // code named in dots with a Cyrillic letter.
    order.spread = [
      `${ASIDE[0].slice(0, 4)} ${ASIDE[0].slice(4)}`,
      ASIDE[1].replace(/(\d{4})(?=\d)/g, '$1:'),
      ASIDE[2].replace(/(\d{4})(?=\d)/g, '$1      '),
      `card ${ASIDE[4].slice(0, 6)}-${ASIDE[4].slice(6)} 12/31`,
      ASIDE[5].replace(/(\d{4})(?=\d)/g, '$1%20'),
      ASIDE[6].replace(/(\d{4})(?=\d)/g, '$1<br>'),
    ];
    order.code = `\u0441.v.v. ${CSC}`;
    const answer = await post(body);
    assert.match(answer.body.value?.orderId ?? JSON.stringify(answer.body), /^\d+$/);
    const [inbox] = await sql<{ wix_order: Record<string, unknown> }>(
      'SELECT wix_order FROM pos_inbox WHERE brand = $1 AND wix_order_id = $2',
      [brand, body.order.id],
    );
    const kept = inbox.wix_order;
    assert.equal(kept.comment, 'card 401288******1881 please');
    assert.equal(kept.remark, 'or 401288******1881');
    assert.equal(kept.status, '510510******5100');
    assert.deepEqual(kept.card, { number: '601100******9424', cvv: '[redacted]' });
    const [paid] = kept.payments as Array<{ cardToken: { creditCard: Record<string, unknown> } }>;
    assert.equal(paid.cardToken.creditCard.network, '356600******0505');
    assert.equal(paid.cardToken.creditCard.lastDigits, '1111');
    assert.equal(paid.cardToken.creditCard.id, '520082******8210');
    assert.deepEqual(paid.cardToken.creditCard.additionalFields, {
      security_code: '[redacted]',
      cvc2: '[redacted]',
    });
    assert.deepEqual(kept.extra, ['424242******4242', '222300******3222']);
    assert.equal(kept.note, '*'.repeat(20));
    assert.deepEqual(kept.properties, { paymentId: '356600******0505' });
    assert.deepEqual(kept.user, { id: '222300******3222' });
    assert.deepEqual(kept.readOut, ['401288******1881', '510510******5100', '601100******9424']);
    assert.deepEqual(kept.spread, [
      '401288******1881',
      '510510******5100',
      '601100******9424',
      'card 424242******4242 12/31',
      '222300******3222',
      '520082******8210',
    ]);
    assert.equal(kept.code, '\u0441.v.v. [redacted]');

    const lastDigits = cardOrder(APPROVED);
    paymentOf(lastDigits).cardToken.creditCard.lastDigits = ASIDE[0];
    const refused = (await post(lastDigits)).body.error;
    assert.equal(refused?.code, 'pos_error', JSON.stringify(refused));
    assert.match(refused?.description ?? '', /lastDigits must be at most 4 digits/);

    const token = cardOrder(APPROVED);
    paymentOf(token).cardToken.token = ASIDE[1];
    token.cards = { [ASIDE[1]]: (token.cards as Record<string, unknown>).card_token_1 };
    const paidByToken = (await post(token)).body;
    assert.match(paidByToken.value?.orderId ?? JSON.stringify(paidByToken), /^\d+$/);
    const [ledger] = await sql<{ cards: Record<string, unknown> }>(
      'SELECT cards FROM order_ledger WHERE brand = $1 AND wix_order_id = $2',
      [brand, token.order.id],
    );
    assert.deepEqual(Object.keys(ledger.cards), ['510510******5100']);
    for (const pan of PANS) assert.doesNotMatch(refused?.description ?? '', written(pan));
  });

  it('leaves no card number or security code in clear in logs, metrics, the database or any Kafka topic', async () => {
    const logs = [gateway, ...workers].map((app) => app.logs()).join('\n');
    const tables = await sql<{ name: string }>(
      `SELECT format('%I.%I', table_schema, table_name) AS name FROM information_schema.tables
        WHERE table_schema NOT IN ('pg_catalog', 'information_schema') AND table_type = 'BASE TABLE'`,
    );
    const dump: string[] = [];
    for (const { name } of tables) {
      const rows = await sql<{ row: unknown }>(`SELECT row_to_json(t) AS row FROM ${name} t`);
      dump.push(...rows.map((r) => JSON.stringify(r.row)));
    }
    const topics = await readAllTopics();
    const metrics = await Promise.all(
      workers.map(async (worker) => (await fetch(`${worker.url}/metrics`)).text()),
    );
    assert.ok(
      dump.some((row) => row.includes('411111')),
      'the dump holds the masked cards',
    );
    assert.ok(
      topics.some((m) => m.includes('pos-sealed-cards=')),
      'Kafka holds sealed cards',
    );
    // Piece by piece: a broker shared with other runs can hold more than one string can.
    const places: Array<[string, string[]]> = [
      ['logs', [logs]],
      ['database', dump],
      ['Kafka', topics],
      ['metrics', metrics],
    ];
    for (const [where, texts] of places) {
      for (const text of texts) {
        const digits = asciiDigits(text);
        for (const pan of PANS) {
          assert.doesNotMatch(digits, written(pan), `${where} holds ${pan.slice(0, 6)}…`);
        }
        assert.doesNotMatch(text, /"9731"|031234567|"(csc|cvc2|security_code)":"\d/i, where);
      }
    }
  });

  it('refuses to start a gateway that takes cards without a key, or with a malformed one', async () => {
    await assert.rejects(
      startGateway({ CARD_KEYS: '' }),
      /CARD_KEYS is required when CARD_PAYMENTS=on/,
    );
    const malformed = 'k1:c2hvcnQta2V5';
    await assert.rejects(startGateway({ CARD_KEYS: malformed }), (error: Error) => {
      assert.match(error.message, /32 bytes/);
      assert.ok(!error.message.includes('c2hvcnQta2V5'));
      return true;
    });
  });
});
