/** What a query answers: the rows, and how many rows it touched. */
export interface SqlResult<T> {
  rows: T[];
  rowCount: number | null;
}

/** One connection, held until `release()`: for transactions. */
export interface SqlClient {
  query<T extends object = Record<string, unknown>>(
    text: string,
    params?: unknown[],
  ): Promise<SqlResult<T>>;
  /** `true` (or an error) when the connection is broken: it is closed, not reused. */
  release(broken?: boolean | Error): void;
}

/**
 * The worker's database: PostgreSQL through a `pg` pool, or the embedded store. The subset of
 * `pg.Pool` the worker and its integrations use, so the same SQL runs on both.
 */
export interface SqlDatabase {
  query<T extends object = Record<string, unknown>>(
    text: string,
    params?: unknown[],
  ): Promise<SqlResult<T>>;
  connect(): Promise<SqlClient>;
  end(): Promise<void>;
}

/** What reports connection errors: a `pg` pool, or one of its clients. */
export interface ConnectionEvents {
  on(event: 'error', listener: (error: Error) => void): unknown;
}

/** The events of a `pg` `Pool` that `watchPool` listens to (the SDK does not depend on `pg`). */
export interface WatchedPool extends ConnectionEvents {
  on(event: 'error', listener: (error: Error) => void): unknown;
  on(event: 'connect', listener: (client: ConnectionEvents) => void): unknown;
}

/**
 * Reports connection errors of a `pg` pool instead of letting them end the process. The pool
 * listens on idle connections only: one that breaks while checked out (a database restart in
 * the middle of a transaction) emits an `error` nobody hears, which Node treats as uncaught.
 * Its query fails on its own, and the caller releases it as broken.
 */
export function watchPool(pool: WatchedPool, onError: (error: Error) => void): void {
  pool.on('error', onError);
  pool.on('connect', (client) => client.on('error', onError));
}
