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
