import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { checkCards } from './card-checks';
import { maskOrder } from './order-masking';

const NOW = new Date('2026-05-15T12:00:00Z');
const PAN = '4111111111111111';
const CSC = '739';
const credit = (token: string) => ({
  type: 'credit',
  amount: 1000,
  cardToken: { token, creditCard: { expiration: { year: 2029, month: 4 } } },
});

/** An order of these payments, in a currency. */
const inOrder = (payments: unknown) => ({ payments, currency: 'USD' });

function problemsOf(cards: unknown, payments: unknown, now = NOW): string[] {
  const result = checkCards(cards, inOrder(payments), now);
  assert.equal(result.ok, false, 'expected problems');
  return result.ok ? [] : result.problems;
}

/** Every digit sequence of the PAN, grouped or not, and the security code. */
const LEAK = /4111[\s-]?1111[\s-]?1111[\s-]?111[12]|4580458045804580|378282246310005|739/;

function assertNoLeak(problems: string[]): void {
  for (const problem of problems) assert.doesNotMatch(problem, LEAK, problem);
}

describe('checkCards', () => {
  it('passes the delivery fixture and returns the cards normalized', () => {
    const fixture = JSON.parse(
      readFileSync(join(process.cwd(), 'test/fixtures/order-delivery-card.json'), 'utf8'),
    ) as { order: { payments: unknown }; cards: unknown };
    const result = checkCards(fixture.cards, fixture.order, NOW);
    assert.deepEqual(result, {
      ok: true,
      cards: {
        card_token_1: {
          number: PAN,
          expireMonth: 4,
          expireYear: 2029,
          csc: '123',
          holderName: 'Giulia Bianchi',
          billingPostalCode: '00100',
        },
      },
    });
  });

  it('accepts both shapes side by side', () => {
    const result = checkCards(
      {
        a: { number: PAN, expiration: { year: 2029, month: 4 }, additionalFields: { csc: CSC } },
        b: { number: '378282246310005', expireMonth: '12', expireYear: '30', csc: '1234' },
      },
      inOrder([credit('a'), credit('b'), { type: 'cash', amount: 100 }]),
      NOW,
    );
    assert.equal(result.ok, true);
    assert.deepEqual(result.ok && Object.keys(result.cards), ['a', 'b']);
    assert.equal(result.ok && result.cards.b.expireYear, 2030);
  });

  it('treats absent cards as none, which is fine until a payment needs one', () => {
    assert.deepEqual(checkCards(undefined, inOrder([{ type: 'cash', amount: 5 }]), NOW), {
      ok: true,
      cards: {},
    });
    assert.deepEqual(checkCards(undefined, inOrder(undefined), NOW), { ok: true, cards: {} });
    assert.deepEqual(problemsOf(undefined, [{ type: 'cash' }, credit('t')]), [
      'payment 1: card token "t" is not in cards',
    ]);
  });

  it('ignores other payment types and credit payments without a card token', () => {
    const result = checkCards(
      {},
      inOrder([
        { type: 'cash', amount: 1, cardToken: { token: 'x' } },
        { type: 'paypal', amount: 1, cardToken: { token: 'y' } },
        { type: 'credit', amount: 1 },
        null,
        'credit',
      ]),
      NOW,
    );
    assert.deepEqual(result, { ok: true, cards: {} });
  });

  it('refuses a card payment in an order without a currency: nothing says what to charge', () => {
    const cards = { a: { number: PAN, expireMonth: 4, expireYear: 2029 } };
    for (const currency of [undefined, null, '', 42]) {
      assert.deepEqual(checkCards(cards, { payments: [credit('a')], currency }, NOW), {
        ok: false,
        problems: ['payment 0: a card payment in an order without a currency'],
      });
    }
    // Cash needs none.
    assert.equal(checkCards(undefined, { payments: [{ type: 'cash', amount: 5 }] }, NOW).ok, true);
  });

  it('refuses a card payment without an amount: the POS would charge nothing', () => {
    const cards = { a: { number: PAN, expireMonth: 4, expireYear: 2029 } };
    assert.deepEqual(problemsOf(cards, [{ type: 'credit', cardToken: { token: 'a' } }]), [
      'payment 0: a card payment without an amount',
    ]);
    assert.equal(checkCards(cards, inOrder([{ ...credit('a'), amount: 0 }]), NOW).ok, true);
  });

  it('treats payments that are not an array as none', () => {
    assert.deepEqual(checkCards({}, inOrder({ 0: credit('t') }), NOW), { ok: true, cards: {} });
  });

  it('reports a token missing from cards and malformed card tokens', () => {
    const problems = problemsOf({ a: { number: PAN, expireMonth: 4, expireYear: 2029 } }, [
      credit('a'),
      credit('b'),
      { type: 'credit', amount: 1, cardToken: 'a' },
      { type: 'credit', amount: 1, cardToken: { token: 7 } },
      credit('toString'),
    ]);
    assert.deepEqual(problems, [
      'payment 1: card token "b" is not in cards',
      'payment 2: cardToken is not an object',
      'payment 3: cardToken.token is not a string',
      'payment 4: card token "toString" is not in cards',
    ]);
  });

  it('refuses floods of cards, long tokens and endless problems unsearched, at once', () => {
    const card = { number: PAN, expireMonth: 4, expireYear: 2029 };
    const many = Object.fromEntries(Array.from({ length: 21 }, (_, i) => [`t${i}`, card]));
    assert.deepEqual(problemsOf(many, []), ['cards holds 21 cards (at most 20)']);
    const long = `${'4111 1111 1111 1111 '.repeat(20)}`;
    assert.deepEqual(problemsOf({ [long]: card }, [credit(long)]), [
      `a card token of ${long.length} characters (at most 256)`,
      `payment 0: a card token of ${long.length} characters (at most 256)`,
    ]);
    const flood = Array.from({ length: 100_000 }, () => credit('4111 1111 1111 1111 x'.repeat(12)));
    const started = performance.now();
    const problems = problemsOf({}, flood);
    assert.equal(problems.length, 21);
    assert.equal(problems.at(-1), 'and maybe more');
    assertNoLeak(problems);
    // About 160 ms here alone; searching every token would take seconds.
    assert.ok(performance.now() - started < 1_000, `${performance.now() - started} ms`);
  });

  it('rejects cards that are not an object of token → card', () => {
    for (const cards of [[], 'cards', 42]) {
      assert.deepEqual(problemsOf(cards, []), ['cards is not an object of card token → card']);
    }
  });

  it('reports each card problem with its token, the PAN at most masked, the csc never', () => {
    const problems = problemsOf(
      {
        shape: { number: `${PAN}x`, expireMonth: 4, expireYear: 2029, csc: CSC },
        short: { number: '41111111111', expireMonth: 4, expireYear: 2029, csc: CSC },
        long: { number: '41111111111111111111', expireMonth: 4, expireYear: 2029, csc: CSC },
        luhn: { number: '4111 1111 1111 1112', expireMonth: 4, expireYear: 2029, csc: CSC },
        month: { number: PAN, expiration: { year: 2029, month: 13 }, csc: CSC },
        year: { number: PAN, expiration: { year: 12029, month: 4 }, csc: CSC },
        old: { number: '4580458045804580', expireMonth: 4, expireYear: 2020, csc: CSC },
        many: { number: '4111111111111112', expireMonth: 0, expireYear: 2029, csc: CSC },
        csc: { number: PAN, expireMonth: 4, expireYear: 2029, csc: '4916338506082832' },
      },
      [credit('luhn')],
    );
    assert.deepEqual(problems, [
      'card shape: number is not a string of digits',
      'card short: number has 11 digits, expected 12–19',
      'card long: number has 20 digits, expected 12–19',
      'card luhn: number 411111******1112 fails the Luhn check',
      'card month: expiration month is not 1–12',
      'card year: expiration year is not 4 digits',
      'card old: expired 04/2020',
      'card many: number 411111******1112 fails the Luhn check',
      'card many: expiration month is not 1–12',
      'card csc: security code is not 3 or 4 digits',
    ]);
    assertNoLeak(problems);
  });

  it('counts a card as valid through its expiry month, in every time zone', () => {
    const card = (month: number, year: number) => ({
      t: { number: PAN, expireMonth: month, expireYear: year },
    });
    assert.equal(checkCards(card(5, 2026), inOrder([]), NOW).ok, true);
    assert.deepEqual(problemsOf(card(4, 2026), []), ['card t: expired 04/2026']);
    assert.deepEqual(problemsOf(card(12, 2025), []), ['card t: expired 12/2025']);
    // 23:30 on 31 May in New York is June in UTC; it is still May until noon UTC somewhere.
    assert.equal(checkCards(card(5, 2026), inOrder([]), new Date('2026-06-01T03:30:00Z')).ok, true);
    const allOver = new Date('2026-06-01T12:00:01Z');
    assert.deepEqual(problemsOf(card(5, 2026), [], allOver), ['card t: expired 05/2026']);
  });

  it("judges the expiry at the order's creation, so that a retry a month later gets the same answer", () => {
    const cards = { t: { number: PAN, expireMonth: 5, expireYear: 2026 } };
    const created = Date.parse('2026-05-31T20:00:00Z');
    const retried = new Date('2026-06-02T09:00:00Z');
    const order = (at: unknown) => ({ ...inOrder([]), created: at });
    assert.equal(checkCards(cards, order(created), retried).ok, true);
    assert.equal(checkCards(cards, inOrder([]), retried).ok, false);
    // A `created` after now, or not a time, is not trusted: now is.
    const ahead = Date.parse('2026-06-05T00:00:00Z');
    assert.equal(checkCards(cards, order(created), new Date(ahead)).ok, true);
    assert.equal(checkCards(cards, order(ahead + 1), retried).ok, false);
    assert.equal(checkCards(cards, order('yesterday'), retried).ok, false);
  });

  it('keys the cards by their tokens masked, as the order that goes on carries them', () => {
    const good = { number: PAN, expireMonth: 4, expireYear: 2029 };
    const result = checkCards(
      { [PAN]: good, 'tok_4111.1111.1111.1111': good, plain: good },
      inOrder([]),
      NOW,
    );
    assert.ok(result.ok);
    assert.deepEqual(Object.keys(result.ok ? result.cards : {}), [
      '411111******1111',
      'tok_411111******1111',
      'plain',
    ]);
    const problems = problemsOf({ [PAN]: good, '4111 1111 1111 1111': good }, [
      credit('4580458045804580'),
    ]);
    assert.deepEqual(problems, [
      "card 411111******1111: another card's token reads the same once masked",
      'payment 0: card token "458045******4580" is not in cards',
    ]);
    assertNoLeak(problems);
  });

  it('masks a token as the order that goes on masks it, named security codes and all', () => {
    const good = { number: PAN, expireMonth: 4, expireYear: 2029 };
    const result = checkCards({ 'tok-cvv-1234': good }, inOrder([credit('tok-cvv-1234')]), NOW);
    assert.ok(result.ok);
    const [key] = Object.keys(result.ok ? result.cards : {});
    assert.equal(key, 'tok-cvv-[redacted]');
    assert.equal(maskOrder('tok-cvv-1234'), key);
  });

  it('checks a security code in additionalFields beside a top-level one', () => {
    const card = { number: PAN, expireMonth: 4, expireYear: 2029, csc: CSC };
    const problems = problemsOf({ t: { ...card, additionalFields: { csc: PAN } } }, [credit('t')]);
    assert.deepEqual(problems, ['card t: additionalFields.csc is not 3 or 4 digits']);
    assertNoLeak(problems);
    const both = { t: { ...card, additionalFields: { csc: '1234' } } };
    assert.equal(checkCards(both, inOrder([credit('t')]), NOW).ok, true);
  });

  it('keeps a "__proto__" token as an ordinary key', () => {
    const cards = JSON.parse(
      `{"__proto__": {"number": "${PAN}", "expireMonth": 4, "expireYear": 2029}}`,
    ) as unknown;
    const result = checkCards(cards, inOrder([credit('__proto__')]), NOW);
    assert.equal(result.ok, true);
    assert.ok(result.ok && Object.hasOwn(result.cards, '__proto__'));
    assert.equal(Object.getPrototypeOf(result.ok && result.cards), Object.prototype);
  });
});
