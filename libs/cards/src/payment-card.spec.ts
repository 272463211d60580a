import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { normalizeCard } from './payment-card';

const PAN = '4111111111111111';
const CSC = '739';

describe('normalizeCard', () => {
  it('reads the nested shape, taking additionalFields', () => {
    assert.deepEqual(
      normalizeCard({
        number: PAN,
        expiration: { year: 2029, month: 4 },
        additionalFields: {
          csc: CSC,
          holderId: 'ID-1',
          holderName: 'Giulia Bianchi',
          billingAddress: 'Via Roma 1',
          billingPostalCode: '00100',
        },
      }),
      {
        number: PAN,
        expireMonth: 4,
        expireYear: 2029,
        csc: CSC,
        holderId: 'ID-1',
        holderName: 'Giulia Bianchi',
        billingAddress: 'Via Roma 1',
        billingPostalCode: '00100',
      },
    );
  });

  it('reads the fixture card (top-level csc, holder in additionalFields)', () => {
    assert.deepEqual(
      normalizeCard({
        number: PAN,
        expiration: { year: 2029, month: 4 },
        csc: '123',
        additionalFields: { holderName: 'Giulia Bianchi', billingPostalCode: '00100' },
      }),
      {
        number: PAN,
        expireMonth: 4,
        expireYear: 2029,
        csc: '123',
        holderName: 'Giulia Bianchi',
        billingPostalCode: '00100',
      },
    );
  });

  it('reads the older flat shape', () => {
    assert.deepEqual(
      normalizeCard({
        type: 'visa',
        number: PAN,
        expireMonth: 12,
        expireYear: 2031,
        holderName: 'Mario Rossi',
        holderId: 'ID-2',
        csc: CSC,
        billingAddress: 'Via Po 2',
        billingPostalCode: '10100',
      }),
      {
        number: PAN,
        expireMonth: 12,
        expireYear: 2031,
        csc: CSC,
        holderName: 'Mario Rossi',
        holderId: 'ID-2',
        billingAddress: 'Via Po 2',
        billingPostalCode: '10100',
      },
    );
  });

  it('prefers top-level fields and fills gaps from additionalFields', () => {
    const card = normalizeCard({
      number: PAN,
      expiration: { year: 2029, month: 4 },
      csc: '111',
      holderName: 'Top',
      additionalFields: { csc: '222', holderName: 'Nested', holderId: 'N-1' },
    });
    assert.ok(typeof card !== 'string');
    assert.equal(card.csc, '111');
    assert.equal(card.holderName, 'Top');
    assert.equal(card.holderId, 'N-1');
  });

  it('strips spaces and dashes from the number', () => {
    const card = normalizeCard({
      number: ' 4111 1111-1111 1111 ',
      expireMonth: 4,
      expireYear: 2029,
    });
    assert.ok(typeof card !== 'string');
    assert.equal(card.number, PAN);
  });

  it('accepts numeric strings for month and year and takes two-digit years as 20xx', () => {
    const card = normalizeCard({ number: PAN, expireMonth: '04', expireYear: '29' });
    assert.ok(typeof card !== 'string');
    assert.equal(card.expireMonth, 4);
    assert.equal(card.expireYear, 2029);
    const nested = normalizeCard({ number: PAN, expiration: { year: 31, month: '12' } });
    assert.ok(typeof nested !== 'string');
    assert.equal(nested.expireYear, 2031);
  });

  it('keeps numeric csc, holder id and postal code as digits, and drops blank optionals', () => {
    const card = normalizeCard({
      number: PAN,
      expireMonth: 4,
      expireYear: 2029,
      csc: 739,
      holderId: 12345,
      billingPostalCode: 10100,
      holderName: '  ',
    });
    assert.deepEqual(card, {
      number: PAN,
      expireMonth: 4,
      expireYear: 2029,
      csc: '739',
      holderId: '12345',
      billingPostalCode: '10100',
    });
  });

  it('names the field for each shape problem, never the number or csc', () => {
    const cases: [unknown, RegExp][] = [
      [null, /^card is not an object \(got null\)$/],
      [[PAN], /^card is not an object \(got array\)$/],
      [{ expireMonth: 4, expireYear: 2029 }, /^number is missing$/],
      [{ number: 4111111111111111, expireMonth: 4, expireYear: 2029 }, /^number is not a string/],
      [{ number: ' - ', expireMonth: 4, expireYear: 2029 }, /^number is empty$/],
      [{ number: `${PAN}x`, expireMonth: 4, expireYear: 2029, csc: CSC }, /not a string of digits/],
      [{ number: PAN, csc: CSC }, /^expiration is missing/],
      [{ number: PAN, expiration: '04/29' }, /^expiration is not an object \(got string\)$/],
      [{ number: PAN, expiration: { year: 2029 } }, /^expiration\.month is missing$/],
      [
        { number: PAN, expiration: { year: 2029, month: 4.5 } },
        /^expiration\.month is not an integer/,
      ],
      [{ number: PAN, expireMonth: 'April', expireYear: 2029 }, /^expireMonth is not an integer/],
      [{ number: PAN, expireMonth: 4, expireYear: '2029x' }, /^expireYear is not an integer/],
      [{ number: PAN, expireMonth: 4 }, /^expireYear is missing$/],
      [
        { number: PAN, expireMonth: 4, expireYear: 2029, additionalFields: 'x' },
        /^additionalFields is not/,
      ],
      [{ number: PAN, expireMonth: 4, expireYear: 2029, csc: { v: CSC } }, /^csc is not a string/],
      [
        { number: PAN, expireMonth: 4, expireYear: 2029, additionalFields: { csc: [CSC] } },
        /^additionalFields\.csc is not a string \(got array\)$/,
      ],
      [
        { number: PAN, expireMonth: 4, expireYear: 2029, holderName: 7.5 },
        /^holderName is not a string/,
      ],
    ];
    for (const [raw, expected] of cases) {
      const result = normalizeCard(raw);
      assert.equal(typeof result, 'string', JSON.stringify(raw));
      assert.match(result as string, expected);
      assert.doesNotMatch(result as string, /4111111111111111|739/);
    }
  });
});
