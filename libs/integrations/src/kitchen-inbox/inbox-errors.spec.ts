import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { isPosFailure } from '@wix-pos-gateway/pos-sdk';
import { inboxFailure } from './inbox-errors';

describe('inboxFailure', () => {
  const cases: [string, Error, string][] = [
    [
      'a terminated session',
      Object.assign(new Error('terminating'), { code: '57P01' }),
      'pos_unavailable',
    ],
    [
      'a connection lost mid-statement',
      new Error('Connection terminated unexpectedly'),
      'pos_unavailable',
    ],
    [
      'a connection that broke before the statement was sent',
      new Error('Client has encountered a connection error and is not queryable'),
      'pos_unavailable',
    ],
    [
      'the deadline',
      Object.assign(new Error('canceling statement'), { code: '57014' }),
      'pos_unavailable',
    ],
    ['a constraint', Object.assign(new Error('violates check'), { code: '23514' }), 'pos_error'],
  ];

  for (const [name, error, kind] of cases) {
    it(`reads ${name} as ${kind}`, () => {
      const failure = inboxFailure(error);
      assert.ok(isPosFailure(failure));
      assert.equal(failure.kind, kind);
    });
  }
});
