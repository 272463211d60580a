import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  CardDeclinedError,
  PosError,
  PosUnavailableError,
  UnknownItemsError,
} from '@wix-pos-gateway/pos-sdk';
import {
  InvalidOrder,
  MAX_DESCRIPTION_CHARS,
  PosUnavailable,
  UnknownItems,
  isRetryable,
  toSpiFailure,
} from './order-errors';

/** A failure from an integration built against another copy of the SDK. */
class ForeignDeclined extends Error {
  readonly kind = 'card_declined';
  readonly retryable = false;
}

const refused = () =>
  Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:5432'), { code: 'ECONNREFUSED' });

/** An error as PostgreSQL answers one: a SQLSTATE and a severity. */
const pgError = (code: string, message: string) =>
  Object.assign(new Error(message), { code, severity: 'ERROR' });

describe('toSpiFailure', () => {
  const cases: [string, unknown, string, string][] = [
    [
      'UnknownItemsError',
      new UnknownItemsError(['PZ-9']),
      'invalid_item_mapping',
      'the POS does not know PZ-9',
    ],
    ['CardDeclinedError', new CardDeclinedError('declined'), 'cc_rejected', 'declined'],
    ['PosUnavailableError', new PosUnavailableError('down'), 'endpoint_down', 'down'],
    ['PosError', new PosError('refused'), 'pos_error', 'refused'],
    ['InvalidOrder', new InvalidOrder('no lines'), 'pos_error', 'no lines'],
    ['UnknownItems', new UnknownItems('unmapped'), 'invalid_item_mapping', 'unmapped'],
    ['PosUnavailable', new PosUnavailable('no store'), 'endpoint_down', 'no store'],
    ['a plain Error', new Error('boom'), 'pos_error', 'the POS worker failed: boom'],
    [
      'a refused connection',
      refused(),
      'endpoint_down',
      'the POS store is unavailable: connect ECONNREFUSED 127.0.0.1:5432',
    ],
    [
      'a connection that broke before the statement was sent',
      new Error('Client has encountered a connection error and is not queryable'),
      'endpoint_down',
      'the POS store is unavailable: Client has encountered a connection error and is not queryable',
    ],
    [
      'a statement past its statement_timeout (a database that stalls)',
      pgError('57014', 'canceling statement due to statement timeout'),
      'endpoint_down',
      'the POS store is unavailable: canceling statement due to statement timeout',
    ],
    [
      "the driver's own query_timeout",
      new Error('Query read timeout'),
      'endpoint_down',
      'the POS store is unavailable: Query read timeout',
    ],
    [
      'a database shutting down',
      pgError('57P01', 'terminating connection due to administrator command'),
      'endpoint_down',
      'the POS store is unavailable: terminating connection due to administrator command',
    ],
    [
      'a statement PostgreSQL refused',
      pgError('23505', 'duplicate key value violates unique constraint'),
      'pos_error',
      'the POS worker failed: duplicate key value violates unique constraint',
    ],
    [
      'a failure from another copy of the SDK',
      new ForeignDeclined('no funds'),
      'cc_rejected',
      'no funds',
    ],
  ];

  for (const [name, error, code, description] of cases) {
    it(`maps ${name} to ${code}`, () => {
      assert.deepEqual(toSpiFailure(error), { error: { code, description } });
    });
  }
});

describe('toSpiFailure descriptions', () => {
  it('masks card data an integration quotes, whatever the failure', () => {
    const quoted = 'POS said: {"number":"4111111111111111","csc":"739"} is declined';
    const masked = 'POS said: {"number":"411111******1111","csc":"[redacted]"} is declined';
    assert.equal(toSpiFailure(new CardDeclinedError(quoted)).error.description, masked);
    assert.equal(toSpiFailure(new PosError(quoted)).error.description, masked);
    assert.equal(
      toSpiFailure(new Error(quoted)).error.description,
      `the POS worker failed: ${masked}`,
    );
  });

  it('bounds a description of a megabyte', () => {
    const huge = `unknown items ${'PZ-9, '.repeat(200_000)}`;
    const { description } = toSpiFailure(new UnknownItems(huge)).error;
    assert.equal(description.length, MAX_DESCRIPTION_CHARS);
    assert.match(description, /^unknown items PZ-9, .*… \[cut, \d+ characters in all\]$/);
  });
});

describe('isRetryable', () => {
  const cases: [string, unknown, boolean][] = [
    ['PosUnavailableError', new PosUnavailableError('down'), true],
    ['PosError', new PosError('refused'), false],
    ['PosError with retryable', new PosError('refused', { retryable: true }), true],
    ['CardDeclinedError', new CardDeclinedError('declined'), false],
    ['UnknownItemsError', new UnknownItemsError(['PZ-9']), false],
    ['a plain Error', new Error('boom'), true],
    ['InvalidOrder', new InvalidOrder('no lines'), false],
    ['PosUnavailable', new PosUnavailable('no store'), true],
  ];

  for (const [name, error, retryable] of cases) {
    it(`is ${retryable} for ${name}`, () => {
      assert.equal(isRetryable(error), retryable);
    });
  }
});

describe('orderMayExist', () => {
  it('is false unless the option sets it', () => {
    assert.equal(new PosUnavailableError('down').orderMayExist, false);
    assert.equal(new PosUnavailableError('down', { orderMayExist: true }).orderMayExist, true);
    assert.equal(new PosError('refused', { orderMayExist: true }).orderMayExist, true);
  });
});
