import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { isDatabaseStalled, isDatabaseUnreachable, untilDatabaseAnswers } from './unreachable';

const pgError = (code: string, message = 'from PostgreSQL') =>
  Object.assign(new Error(message), { code, severity: 'ERROR' });
const socketError = (code: string) => Object.assign(new Error(`connect ${code}`), { code });

describe('isDatabaseUnreachable', () => {
  it('is true of refused and broken connections, a database shutting down or closed a while', () => {
    for (const error of [
      socketError('ECONNREFUSED'),
      socketError('ECONNRESET'),
      socketError('ENOTFOUND'),
      pgError('57P01'),
      pgError('08006'),
      pgError('53300'),
      pgError('55000', 'database "orders" is not currently accepting connections'),
      new Error('Connection terminated unexpectedly'),
      new Error('timeout exceeded when trying to connect'),
    ]) {
      assert.equal(isDatabaseUnreachable(error), true, error.message);
    }
  });

  it('is false of what PostgreSQL refused, and of anything else', () => {
    for (const error of [
      pgError('28P01', 'password authentication failed'),
      pgError('23505'),
      pgError('57014'),
      pgError('55000', 'currval of sequence "s" is not yet defined in this session'),
      new Error('boom'),
      undefined,
      'ECONNREFUSED',
    ]) {
      assert.equal(isDatabaseUnreachable(error), false, String(error));
    }
  });
});

describe('isDatabaseStalled', () => {
  it("is true of a statement or lock timeout and of the driver's read timeout, only", () => {
    assert.equal(isDatabaseStalled(pgError('57014')), true);
    assert.equal(isDatabaseStalled(pgError('55P03')), true);
    assert.equal(isDatabaseStalled(new Error('Query read timeout')), true);
    assert.equal(isDatabaseStalled(pgError('23505')), false);
    assert.equal(isDatabaseStalled(Object.assign(new Error('x'), { code: '57014' })), false);
  });
});

describe('untilDatabaseAnswers', () => {
  it('tries a step again while the database cannot be reached, saying so', async () => {
    const warned: string[] = [];
    let tries = 0;
    const result = await untilDatabaseAnswers(
      'migrations',
      () => {
        tries += 1;
        if (tries < 3) return Promise.reject(socketError('ECONNREFUSED'));
        return Promise.resolve('done');
      },
      (message) => warned.push(message),
      { firstWaitMs: 1, lastWaitMs: 2 },
    );
    assert.equal(result, 'done');
    assert.equal(tries, 3);
    assert.deepEqual(warned, [
      'migrations: not reachable yet (connect ECONNREFUSED); trying again in 0.001 s',
      'migrations: not reachable yet (connect ECONNREFUSED); trying again in 0.002 s',
    ]);
  });

  it('throws any other failure at once', async () => {
    let tries = 0;
    await assert.rejects(
      untilDatabaseAnswers(
        'migrations',
        () => {
          tries += 1;
          return Promise.reject(pgError('28P01', 'password authentication failed'));
        },
        () => undefined,
      ),
      /password authentication failed/,
    );
    assert.equal(tries, 1);
  });
});
