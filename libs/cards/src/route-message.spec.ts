import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { percentDecoded } from './card-text';
import { withoutQuery } from './route-message';

describe('withoutQuery', () => {
  it('quotes the path of an unknown route, never its query', () => {
    assert.equal(
      withoutQuery('Cannot POST /orders?pan=4111+1111+1111+1111&cvv=123'),
      'Cannot POST /orders?…',
    );
    assert.equal(withoutQuery('Cannot GET /health/nope'), 'Cannot GET /health/nope');
    for (const message of [
      'Cannot POST /pay?pan=4111111111111111 ',
      'Cannot POST /x?pan=4111111111111111\n',
      'Cannot M-SEARCH /pay?pan=4111111111111111',
      'Cannot post /x?pan=4111+1111+1111+1111',
    ]) {
      assert.match(withoutQuery(message), /^Cannot \S+ \/\w+\?…$/, message);
    }
    for (const message of [
      'Cannot  POST /orders/4111111111111111',
      'Cannot POST\t/4111111111111111',
      ' Cannot POST /4111111111111111',
      "Failed to decode param '4111%E0111111111111'",
      'Cannot POST /o/4111%25201111%25201111%25201111',
      'Cannot POST /o/4111%E2%80%8B111111111111',
    ]) {
      assert.doesNotMatch(withoutQuery(message), /\d{7}|1111\D+1111\D+1111/, message);
    }
  });

  it('masks a card in the path, escaped, or written with `+` or `,`', () => {
    for (const path of [
      '/x/4111111111111111',
      '/x/4111%201111%201111%201111',
      '/x/4111+1111+1111+1111',
      '/x/4111,1111,1111,1111',
      ' /x/4111111111111111',
      '/voil\u00c3\u00a0/4111 1111 1111 1111',
    ]) {
      assert.match(withoutQuery(`Cannot POST ${path}`), /^Cannot POST .*\/411111\*{6}1111$/, path);
    }
  });

  it('removes a named security code from the path', () => {
    assert.equal(withoutQuery('Cannot POST /cvv%3A123'), 'Cannot POST /cvv:[redacted]');
    // Commas stay where what they part needs no masking.
    assert.equal(
      withoutQuery('Cannot GET /a,1234,b,cvv=123'),
      'Cannot GET /a,1234,b,cvv=[redacted]',
    );
  });

  it('decodes any other message as it was', () => {
    assert.equal(withoutQuery("Failed to decode param '%41%ZZ'"), "Failed to decode param 'A%ZZ'");
    assert.equal(percentDecoded('%E2%82'), '\uFFFD\uFFFD');
  });
});
