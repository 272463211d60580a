import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import { Pool } from 'pg';
import { migrate } from '../apps/pos-worker/src/ledger/migrate';
import { MappingCache } from '../apps/pos-worker/src/mapping/mapping-cache';
import { MappingTable, WHOLE_RESTAURANT_ROWS } from '../apps/pos-worker/src/mapping/mapping-table';
import { required } from './support/processes';

/**
 * The mapping table on a real PostgreSQL, behind the worker's cache: a restaurant read once is
 * known whole, so its next orders need no lookup whatever items they name; a very large one is
 * read by the items asked for.
 */
describe('the mapping table, read a restaurant at a time', () => {
  const brand = `mapping-${randomUUID().slice(0, 8)}`;
  let pool: Pool;
  let table: MappingTable;
  let cache: MappingCache;
  let statements: string[] = [];

  before(async () => {
    pool = new Pool({ connectionString: required('DATABASE_URL'), max: 2 });
    await migrate(pool, () => undefined);
    const query = pool.query.bind(pool) as (...args: unknown[]) => unknown;
    (pool as unknown as { query: unknown }).query = (...args: unknown[]) => {
      const config = args[0] as { name?: string } | string;
      statements.push(typeof config === 'string' ? 'text' : (config.name ?? 'unnamed'));
      return query(...args);
    };
    cache = new MappingCache();
    cache.started();
    table = new MappingTable(pool, cache);
  });
  after(() => pool.end());

  const rowsOf = (restaurantId: string, count: number) =>
    Array.from({ length: count }, (_, i) => ({
      restaurantId,
      wixItemId: `item-${i}`,
      posItemId: `POS-${i}`,
    }));

  it('reads a restaurant whole: later orders map from the cache, whichever items they name', async () => {
    await table.import(brand, rowsOf('small', 3));
    const first = await table.find(brand, 'small', ['item-0']);
    assert.deepEqual(first, { rows: new Map([['item-0', 'POS-0']]), cached: false });
    const next = await table.find(brand, 'small', ['item-1', 'item-2', 'not-mapped']);
    assert.equal(next.cached, true);
    assert.deepEqual(
      next.rows,
      new Map([
        ['item-1', 'POS-1'],
        ['item-2', 'POS-2'],
      ]),
    );

    statements = [];
    const empty = await table.find(brand, 'none', ['a']);
    assert.deepEqual(empty, { rows: new Map(), cached: false });
    assert.deepEqual(await table.find(brand, 'none', ['b']), { rows: new Map(), cached: true });
    assert.deepEqual(statements, ['item_mappings.lookup_restaurant']);
  });

  it('forgets a restaurant its change names, and reads it whole again', async () => {
    await table.find(brand, 'changed', ['item-0']);
    await table.import(brand, rowsOf('changed', 2));
    cache.changed(`${brand}\nchanged`);
    const read = await table.find(brand, 'changed', ['item-1']);
    assert.deepEqual(read, { rows: new Map([['item-1', 'POS-1']]), cached: false });
    assert.equal((await table.find(brand, 'changed', ['item-0'])).cached, true);
  });

  it(`reads a restaurant of more than ${WHOLE_RESTAURANT_ROWS} rows by the items asked for`, async () => {
    await table.import(brand, rowsOf('large', WHOLE_RESTAURANT_ROWS + 1));
    statements = [];
    const first = await table.find(brand, 'large', ['item-7', 'not-mapped']);
    assert.deepEqual(first, { rows: new Map([['item-7', 'POS-7']]), cached: false });
    assert.equal((await table.find(brand, 'large', ['item-8'])).cached, false, 'not read whole');
    assert.deepEqual(
      statements,
      ['item_mappings.lookup_restaurant', 'item_mappings.lookup'],
      'once found too large, it is read by ids without counting it again',
    );
    const again = await table.find(brand, 'large', ['item-7', 'not-mapped']);
    assert.deepEqual(again, { rows: new Map([['item-7', 'POS-7']]), cached: true });
    assert.equal((await table.find(brand, 'large', ['item-9'])).cached, false);
  });

  it('reads by ids, not whole, while the cache does not answer', async () => {
    await table.import(brand, rowsOf('unheard', 2));
    cache.stopped();
    statements = [];
    const read = await table.find(brand, 'unheard', ['item-0']);
    assert.deepEqual(read, { rows: new Map([['item-0', 'POS-0']]), cached: false });
    assert.deepEqual(statements, ['item_mappings.lookup']);
    cache.started();
  });
});
