import { Client, Pool } from 'pg';
import { SqlClient, SqlDatabase, SqlResult } from '@wix-pos-gateway/pos-sdk';

/**
 * A statement run often enough to prepare: on a `pg` pool or connection, each connection
 * parses and plans it once, under `name`, and then only binds and runs it. Anywhere else (the
 * embedded store) it runs as plain text. One name, one text: `pg` refuses a name reused for
 * another statement.
 */
export interface PreparedStatement {
  readonly name: string;
  readonly text: string;
}

export function prepared(name: string, text: string): PreparedStatement {
  return { name, text };
}

export function runPrepared<T extends object>(
  db: SqlDatabase | SqlClient,
  statement: PreparedStatement,
  values: unknown[],
): Promise<SqlResult<T>> {
  if (db instanceof Pool || db instanceof Client) {
    return db.query<T>({ name: statement.name, text: statement.text, values });
  }
  return db.query<T>(statement.text, values);
}
