import { PGlite } from '@electric-sql/pglite';
import { SqlClient, SqlDatabase, SqlResult } from '@wix-pos-gateway/pos-sdk';
import { lockStore } from './store-lock';

type Results = { rows: unknown[]; affectedRows?: number };

/**
 * PostgreSQL compiled to WebAssembly (PGlite), file-backed: the worker's store when no
 * `DATABASE_URL` is given. It has one connection, so a client holds it until released and
 * every other query waits its turn.
 */
export class EmbeddedDatabase implements SqlDatabase {
  private turn: Promise<void> = Promise.resolve();

  private constructor(
    private readonly db: PGlite,
    private readonly unlock: () => void,
  ) {}

  static async open(dir: string): Promise<EmbeddedDatabase> {
    const unlock = lockStore(dir);
    try {
      return new EmbeddedDatabase(await PGlite.create(`${dir}/pgdata`), unlock);
    } catch (error) {
      unlock();
      throw error;
    }
  }

  async query<T extends object>(text: string, params?: unknown[]): Promise<SqlResult<T>> {
    const client = await this.connect();
    try {
      return await client.query<T>(text, params);
    } finally {
      client.release();
    }
  }

  async connect(): Promise<SqlClient> {
    const previous = this.turn;
    let release!: () => void;
    this.turn = new Promise<void>((resolve) => (release = resolve));
    await previous;
    let released = false;
    return {
      query: <T extends object>(text: string, params?: unknown[]) => this.run<T>(text, params),
      release: () => {
        if (!released) release();
        released = true;
      },
    };
  }

  async end(): Promise<void> {
    await this.turn;
    await this.db.close();
    this.unlock();
  }

  /** Parameterless text may hold several statements (migrations), as with `pg`. */
  private async run<T>(text: string, params?: unknown[]): Promise<SqlResult<T>> {
    const result: Results =
      params && params.length > 0
        ? await this.db.query(text, params)
        : ((await this.db.exec(text)).at(-1) ?? { rows: [] });
    return { rows: result.rows as T[], rowCount: result.affectedRows || result.rows.length };
  }
}
