import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { luhnValid } from './pan';

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
