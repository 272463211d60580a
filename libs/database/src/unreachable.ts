import { setTimeout as sleep } from 'node:timers/promises';

/** Connection-level failures: the database is down or cannot be reached, not the statement wrong. */
const UNREACHABLE_ERRNO = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ETIMEDOUT',
  'EPIPE',
  'ENOTFOUND',
]);
/** Connection exceptions, insufficient resources, and an operator's intervention (a shutdown). */
const UNREACHABLE_SQLSTATE = /^(08|53|57P)/;
const UNREACHABLE_MESSAGE =
  /Connection terminated|timeout exceeded when trying to connect|is not queryable/i;
/**
 * A database closed to connections for a while (`ALTER DATABASE … ALLOW_CONNECTIONS false`):
 * its SQLSTATE, 55000, is also that of statements refused for their own sake, hence the words.
 */
const CLOSED_DATABASE = /is not currently accepting connections/i;

/** Whether `error` says the database cannot be reached now (it may be again later). */
export function isDatabaseUnreachable(error: unknown): boolean {
  const { code, severity } = (error ?? {}) as { code?: unknown; severity?: unknown };
  if (typeof code === 'string') {
    // PostgreSQL's own errors carry a severity; a socket's carry an errno.
    if (typeof severity === 'string') {
      return UNREACHABLE_SQLSTATE.test(code) || (code === '55000' && closedDatabase(error));
    }
    if (UNREACHABLE_ERRNO.has(code)) return true;
  }
  return error instanceof Error && UNREACHABLE_MESSAGE.test(error.message);
}

function closedDatabase(error: unknown): boolean {
  return error instanceof Error && CLOSED_DATABASE.test(error.message);
}

/**
 * Whether `error` says the database did not answer in time: a statement past its
 * `statement_timeout` or `lock_timeout`, or the driver's own `query_timeout`. A database that
 * stalls (frozen, or its rows locked) fails so, and may answer again later.
 */
export function isDatabaseStalled(error: unknown): boolean {
  const { code, severity } = (error ?? {}) as { code?: unknown; severity?: unknown };
  if (typeof severity === 'string' && (code === '57014' || code === '55P03')) return true;
  return error instanceof Error && error.message === 'Query read timeout';
}

/**
 * Runs a start-up step against the database until it succeeds, for as long as what it reaches
 * cannot be reached (`isDatabaseUnreachable`: the database, or a POS the step connects to): a
 * worker started while its database restarts waits for it, as for Kafka. Any other failure (a
 * password refused, a migration that fails) is thrown at once. A step must be safe to run again
 * after it failed.
 */
export async function untilDatabaseAnswers<T>(
  what: string,
  step: () => Promise<T>,
  warn: (message: string) => void,
  { firstWaitMs = 500, lastWaitMs = 5_000 } = {},
): Promise<T> {
  for (let wait = firstWaitMs; ; wait = Math.min(wait * 2, lastWaitMs)) {
    try {
      return await step();
    } catch (error) {
      if (!isDatabaseUnreachable(error)) throw error;
      const message = error instanceof Error ? error.message : String(error);
      warn(`${what}: not reachable yet (${message}); trying again in ${wait / 1000} s`);
      await sleep(wait);
    }
  }
}
