import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { isPosFailure } from '@wix-pos-gateway/pos-sdk';
import { inboxFailure, mayHaveRun, serverError } from './inbox-errors';

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
    [
      'a refused connection',
      Object.assign(new Error('refused'), { code: 'ECONNREFUSED' }),
      'pos_unavailable',
    ],
    [
      'an unknown host',
      Object.assign(new Error('no such host'), { code: 'ENOTFOUND' }),
      'pos_unavailable',
    ],
    [
      "the pool's connect timeout",
      new Error('timeout exceeded when trying to connect'),
      'pos_unavailable',
    ],
    [
      'a database closed to connections a while',
      Object.assign(new Error('database "pos" is not currently accepting connections'), {
        code: '55000',
        severity: 'FATAL',
      }),
      'pos_unavailable',
    ],
    ['a constraint', Object.assign(new Error('violates check'), { code: '23514' }), 'pos_error'],
    [
      'another error of the same SQLSTATE',
      Object.assign(new Error('currval of sequence "s" is not yet defined in this session'), {
        code: '55000',
      }),
      'pos_error',
    ],
  ];

  for (const [name, error, kind] of cases) {
    it(`reads ${name} as ${kind}`, () => {
      const failure = inboxFailure(error);
      assert.ok(isPosFailure(failure));
      assert.equal(failure.kind, kind);
    });
  }
});

describe('mayHaveRun', () => {
  const answered = Object.assign(new Error('violates check'), { code: '23514', severity: 'ERROR' });
  const cases: [string, unknown, boolean][] = [
    ["PostgreSQL's own answer", answered, false],
    ['a refused connection', Object.assign(new Error('refused'), { code: 'ECONNREFUSED' }), false],
    ['an unknown host', Object.assign(new Error('no such host'), { code: 'ENOTFOUND' }), false],
    ["the pool's connect timeout", new Error('timeout exceeded when trying to connect'), false],
    ['a reset mid-statement', Object.assign(new Error('reset'), { code: 'ECONNRESET' }), true],
    ['a read timeout', new Error('Query read timeout'), true],
    ['a lost connection', new Error('Connection terminated unexpectedly'), true],
    // Only an Error's message is read: a thrown string is no connection error of pg's.
    ['a thrown string', 'timeout exceeded when trying to connect', true],
  ];

  for (const [name, error, may] of cases) {
    it(`reads ${name} as ${may ? 'maybe run' : 'surely not run'}`, () => {
      assert.equal(mayHaveRun(error), may);
    });
  }

  it("takes only an error with a severity and a SQLSTATE for the server's answer", () => {
    assert.equal(serverError(answered), true);
    assert.equal(serverError(Object.assign(new Error('x'), { code: '23514' })), false);
    assert.equal(
      serverError(Object.assign(new Error('x'), { code: 'ECONNRESET', severity: 'ERROR' })),
      false,
    );
    assert.equal(serverError(Object.assign(new Error('x'), { code: 'ECONNRESET' })), false);
    assert.equal(serverError(undefined), false);
  });
});
