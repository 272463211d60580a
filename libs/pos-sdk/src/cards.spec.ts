import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { cardNetwork, cardSummary, maskPan } from './cards';

describe('maskPan', () => {
  it('shows the first six and last four of a long PAN', () => {
    assert.equal(maskPan('4111111111111111'), '411111******1111');
    assert.equal(maskPan('378282246310005'), '378282*****0005');
    assert.equal(maskPan('4111111111111111110'), '411111*********1110');
    assert.equal(maskPan('4222222222222'), '422222***2222');
  });

  it('shows only the last four below 13 digits', () => {
    assert.equal(maskPan('123456781234'), '********1234');
    assert.equal(maskPan('12345'), '*2345');
    assert.equal(maskPan('1234'), '****');
  });

  it('drops separators', () => {
    assert.equal(maskPan('4111 1111-1111 1111'), '411111******1111');
  });
});

describe('cardSummary', () => {
  it('keeps what may be shown and nothing else', () => {
    const summary = cardSummary({
      number: '4111111111111111',
      expireMonth: 4,
      expireYear: 2029,
      csc: '739',
      holderName: 'Giulia Bianchi',
      holderId: 'ID-1',
      billingAddress: 'Via Roma 1',
      billingPostalCode: '00100',
    });
    assert.deepEqual(summary, {
      network: 'visa',
      first6: '411111',
      last4: '1111',
      expireMonth: 4,
      expireYear: 2029,
    });
  });

  it('withholds the first six of a 12-digit PAN', () => {
    const summary = cardSummary({ number: '123456781234', expireMonth: 1, expireYear: 2030 });
    assert.equal(summary.first6, null);
    assert.equal(summary.last4, '1234');
    assert.equal(summary.network, 'unknown');
  });
});

describe('cardNetwork', () => {
  it('tells networks apart by issuer prefix', () => {
    const cases: [string, string][] = [
      ['4111111111111111', 'visa'],
      ['4222222222222', 'visa'],
      ['5555555555554444', 'mastercard'],
      ['5105105105105100', 'mastercard'],
      ['2223003122003222', 'mastercard'],
      ['2720990000000000', 'mastercard'],
      ['378282246310005', 'amex'],
      ['341111111111111', 'amex'],
      ['6011111111111117', 'discover'],
      ['6445000000000000', 'discover'],
      ['6500000000000002', 'discover'],
      ['6221260000000000', 'discover'],
      ['3530111333300000', 'unknown'],
      ['2721000000000000', 'unknown'],
      ['2220999999999999', 'unknown'],
      ['6221250000000000', 'unknown'],
    ];
    for (const [pan, network] of cases) assert.equal(cardNetwork(pan), network, pan);
  });

  it('ignores grouping and returns unknown for non-digits', () => {
    assert.equal(cardNetwork('4111 1111-1111 1111'), 'visa');
    assert.equal(cardNetwork('x4111111111111111'), 'unknown');
    assert.equal(cardNetwork(''), 'unknown');
  });
});
