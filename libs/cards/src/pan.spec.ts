import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { cardNetwork, luhnValid } from './pan';

describe('luhnValid', () => {
  it('accepts test PANs of several networks', () => {
    for (const pan of [
      '4111111111111111',
      '4580458045804580',
      '378282246310005',
      '5555555555554444',
    ]) {
      assert.equal(luhnValid(pan), true, pan);
    }
  });

  it('rejects a wrong check digit', () => {
    assert.equal(luhnValid('4111111111111112'), false);
  });

  it('rejects anything that is not only digits', () => {
    for (const text of [
      '',
      '4111 1111 1111 1111',
      '4111-1111-1111-1111',
      'abc',
      '41111111111111a1',
    ]) {
      assert.equal(luhnValid(text), false, JSON.stringify(text));
    }
    assert.equal(luhnValid(4111111111111111 as unknown as string), false);
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
