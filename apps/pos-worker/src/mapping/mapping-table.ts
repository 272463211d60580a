import { Inject, Injectable, Optional } from '@nestjs/common';
import { SqlDatabase, prepared, runPrepared } from '@wix-pos-gateway/database';
import { DATABASE_POOL } from '../ledger/database';
import { MappingCache } from './mapping-cache';

/** One row of a restaurant's mapping table, as imported and exported. */
export interface ItemMappingRow {
  restaurantId: string;
  wixItemId: string;
  posItemId: string;
}

const LOOKUP = prepared(
  'item_mappings.lookup',
  `SELECT wix_item_id, pos_item_id FROM item_mappings
    WHERE brand = $1 AND restaurant_id = $2 AND wix_item_id = ANY($3)`,
);

/**
 * A restaurant with at most this many rows is read whole on a cache miss, so that its later
 * orders need no lookup whichever items they name; a larger one is read by the ids asked for.
 * A hundred such restaurants fit in the cache's default size.
 */
export const WHOLE_RESTAURANT_ROWS = 2_000;

/**
 * The rows of one restaurant: all of them when it has at most $4, else those of the ids in $3
 * (by the index, never scanning the rest); one more row, with null ids, holds `n`, how many it
 * has, counted up to $4 + 1.
 */
const LOOKUP_RESTAURANT = prepared(
  'item_mappings.lookup_restaurant',
  `WITH n AS MATERIALIZED (
     SELECT count(*) AS n FROM (
       SELECT 1 FROM item_mappings WHERE brand = $1 AND restaurant_id = $2 LIMIT $4::bigint + 1
     ) counted
   )
   SELECT wix_item_id, pos_item_id, NULL::bigint AS n FROM item_mappings
    WHERE brand = $1 AND restaurant_id = $2 AND (SELECT n FROM n) <= $4::bigint
   UNION ALL
   SELECT wix_item_id, pos_item_id, NULL FROM item_mappings
    WHERE brand = $1 AND restaurant_id = $2 AND wix_item_id = ANY($3::text[])
      AND (SELECT n FROM n) > $4::bigint
   UNION ALL
   SELECT NULL, NULL, n FROM n`,
);

/** Wix item id → POS item id, per (brand, restaurant), in PostgreSQL. */
@Injectable()
export class MappingTable {
  constructor(
    @Inject(DATABASE_POOL) private readonly pool: SqlDatabase,
    @Optional() private readonly cache?: MappingCache,
  ) {}

  /**
   * The rows of one restaurant for the given Wix items, from the cache when it knows them all
   * (`cached`), else read: with a cache, the whole restaurant when it is small enough
   * (`WHOLE_RESTAURANT_ROWS`), and cached.
   */
  async find(brand: string, restaurantId: string, wixItemIds: string[]) {
    const cached = this.cache?.get(brand, restaurantId, wixItemIds);
    if (cached) return { rows: cached, cached: true };
    const rows = this.cache?.readsWhole(brand, restaurantId)
      ? await this.readRestaurant(this.cache, brand, restaurantId, wixItemIds)
      : await this.lookup(brand, restaurantId, wixItemIds);
    return { rows, cached: false };
  }

  /** `wixItemIds`' rows, read with all of the restaurant's when it is small enough, and cached. */
  private async readRestaurant(
    cache: MappingCache,
    brand: string,
    restaurantId: string,
    wixItemIds: string[],
  ): Promise<Map<string, string>> {
    const mark = cache.mark();
    const { rows } = await runPrepared<{
      wix_item_id: string | null;
      pos_item_id: string | null;
      n: string;
    }>(this.pool, LOOKUP_RESTAURANT, [brand, restaurantId, wixItemIds, WHOLE_RESTAURANT_ROWS]);
    const found = new Map<string, string>();
    for (const { wix_item_id: wixId, pos_item_id: posId } of rows) {
      if (wixId !== null && posId !== null) found.set(wixId, posId);
    }
    const counted = rows.find((row) => row.wix_item_id === null);
    if (Number(counted?.n) > WHOLE_RESTAURANT_ROWS) {
      cache.put(mark, brand, restaurantId, wixItemIds, found);
      return found;
    }
    cache.putWhole(mark, brand, restaurantId, found);
    const asked = new Map<string, string>();
    for (const id of wixItemIds) {
      const posId = found.get(id);
      if (posId !== undefined) asked.set(id, posId);
    }
    return asked;
  }

  /** The rows of one restaurant for the given Wix items, as the table holds them now. */
  async lookup(
    brand: string,
    restaurantId: string,
    wixItemIds: string[],
  ): Promise<Map<string, string>> {
    const mark = this.cache?.mark();
    const { rows } = await runPrepared<{ wix_item_id: string; pos_item_id: string }>(
      this.pool,
      LOOKUP,
      [brand, restaurantId, wixItemIds],
    );
    const found = new Map(rows.map((row) => [row.wix_item_id, row.pos_item_id]));
    if (mark !== undefined) this.cache?.put(mark, brand, restaurantId, wixItemIds, found);
    return found;
  }

  /** Inserts or replaces rows, all or none. */
  async import(brand: string, rows: ItemMappingRow[]): Promise<number> {
    const client = await this.pool.connect();
    try {
      await client.query('BEGIN');
      for (let i = 0; i < rows.length; i += 1_000) {
        const chunk = rows.slice(i, i + 1_000);
        await client.query(
          `INSERT INTO item_mappings (brand, restaurant_id, wix_item_id, pos_item_id)
           SELECT $1, * FROM unnest($2::text[], $3::text[], $4::text[])
           ON CONFLICT (brand, restaurant_id, wix_item_id)
           DO UPDATE SET pos_item_id = EXCLUDED.pos_item_id, updated_at = now()`,
          [
            brand,
            chunk.map((row) => row.restaurantId),
            chunk.map((row) => row.wixItemId),
            chunk.map((row) => row.posItemId),
          ],
        );
      }
      await client.query('COMMIT');
      return rows.length;
    } catch (error) {
      await client.query('ROLLBACK');
      throw error;
    } finally {
      client.release();
    }
  }

  async export(brand: string, restaurantId?: string): Promise<ItemMappingRow[]> {
    const { rows } = await this.pool.query<{
      restaurant_id: string;
      wix_item_id: string;
      pos_item_id: string;
    }>(
      `SELECT restaurant_id, wix_item_id, pos_item_id FROM item_mappings
       WHERE brand = $1 AND ($2::text IS NULL OR restaurant_id = $2)
       ORDER BY restaurant_id, wix_item_id`,
      [brand, restaurantId ?? null],
    );
    return rows.map((row) => ({
      restaurantId: row.restaurant_id,
      wixItemId: row.wix_item_id,
      posItemId: row.pos_item_id,
    }));
  }
}
