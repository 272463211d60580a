import {
  FailureOptions,
  PosError,
  PosUnavailableError,
  isPosFailure,
} from '@wix-pos-gateway/pos-sdk';

/** Node's errnos for a connection that could not be made: no statement was sent. */
const NEVER_CONNECTED_ERRNO = new Set(['ECONNREFUSED', 'ENOTFOUND']);
/** pg-pool's words when no connection was made before its connect timeout. */
const NEVER_CONNECTED_MESSAGE = /timeout exceeded when trying to connect/i;
/** Node's errnos for a connection that broke: a statement under way may have run. */
const BROKEN_ERRNO = new Set(['ECONNRESET', 'ETIMEDOUT', 'EPIPE']);
/**
 * `pg`'s words for a connection that broke. "… is not queryable": it broke before the statement
 * was sent (the server ended its session, so any transaction rolled back); `mayHaveRun` reads it
 * as maybe run all the same, which costs at most a void that was not needed.
 */
const BROKEN_MESSAGE = /Connection terminated|is not queryable/i;
/** PostgreSQL's words (SQLSTATE 55000) for a database closed to connections for a while. */
const CLOSED_MESSAGE = /is not currently accepting connections/i;

/** A connection that could not be made, by its errno or its message. */
function neverConnected(code: unknown, message: string): boolean {
  return (
    (typeof code === 'string' && NEVER_CONNECTED_ERRNO.has(code)) ||
    NEVER_CONNECTED_MESSAGE.test(message)
  );
}

/**
 * PostgreSQL failures as the SDK's failures: the inbox unreachable, shutting down, closed to
 * connections, out of them, or cancelled at the deadline is "POS unavailable" (retryable; the
 * transaction rolled back, so no order is left); anything else is a POS error. A failed
 * `COMMIT` passes `orderMayExist`: it may have committed.
 */
export function inboxFailure(error: unknown, options: FailureOptions = {}): Error {
  if (isPosFailure(error)) return error;
  const code = (error as { code?: unknown } | undefined)?.code;
  const message = error instanceof Error ? error.message : String(error);
  // Cancelled at the deadline, or still waiting for the order's lock when it came.
  if (code === '57014' || code === '55P03') {
    return new PosUnavailableError('the POS inbox did not answer before the deadline', options);
  }
  if (
    neverConnected(code, message) ||
    (typeof code === 'string' && (BROKEN_ERRNO.has(code) || /^(08|53|57P|40)/.test(code))) ||
    (code === '55000' && CLOSED_MESSAGE.test(message)) ||
    BROKEN_MESSAGE.test(message)
  ) {
    return new PosUnavailableError(`the POS inbox is unavailable: ${message}`, {
      ...options,
      cause: error,
    });
  }
  return new PosError(`the POS inbox refused the order: ${message}`, { ...options, cause: error });
}

/**
 * A failed statement that may still have run: neither PostgreSQL's own answer nor a connection
 * that was never made.
 */
export function mayHaveRun(error: unknown): boolean {
  const { code } = (error ?? {}) as { code?: unknown };
  const neverSent = neverConnected(code, error instanceof Error ? error.message : '');
  return !serverError(error) && !neverSent;
}

/** An error PostgreSQL answered with (its severity and SQLSTATE), not a connection that broke. */
export function serverError(error: unknown): boolean {
  const { code, severity } = (error ?? {}) as { code?: unknown; severity?: unknown };
  return typeof severity === 'string' && typeof code === 'string' && /^[0-9A-Z]{5}$/.test(code);
}
