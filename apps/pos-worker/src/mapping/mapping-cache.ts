/** The channel the mapping table's trigger notifies: `brand\nrestaurant`, or `*` for all. */
export const MAPPINGS_CHANGED_CHANNEL = 'item_mappings_changed';

/** A payload that names every restaurant: the table was truncated, or a key was too long. */
const EVERYTHING = '*';

/** What is known of one restaurant's rows: `ids` read, or all its rows when `whole`. */
interface Known {
  ids: Map<string, string | null>;
  whole: boolean;
}

/** A restaurant's share of `maxEntries`: its ids, and one for a whole one (it may have none). */
const weightOf = (known: Known) => known.ids.size + (known.whole ? 1 : 0);

/**
 * What the mapping table held, as this worker last read it: per restaurant, all its rows
 * (`putWhole`), or each Wix item id looked up, with its POS id or `null` for no row. Orders of
 * a restaurant whose items are all known here are mapped without a round trip.
 *
 * It answers only while `live` and heard from: while a listener on the table's change
 * notifications is connected (`started`) and its own notifications come back (`heard`). Every notification drops the restaurant it
 * names; losing the listener drops everything. A read begun before a change must not be kept
 * after it: `put` takes the `mark` taken before the read, and keeps nothing if any change
 * came in between. The rows of the least recently used restaurants go first past `maxEntries`.
 */
export class MappingCache {
  private readonly restaurants = new Map<string, Known>();
  private entries = 0;
  private generation = 0;
  private live = false;
  private heardAt = 0;

  constructor(
    private readonly options: { maxEntries: number; silenceMs: number } = {
      maxEntries: 200_000,
      silenceMs: 15_000,
    },
    private readonly clock: () => number = () => performance.now(),
  ) {}

  /** The table's rows for `ids`, if each one is known, row or no row; else `undefined`. */
  get(brand: string, restaurantId: string, ids: readonly string[]) {
    if (!this.answering()) return undefined;
    const key = keyOf(brand, restaurantId);
    const known = this.restaurants.get(key);
    if (!known) return undefined;
    const rows = new Map<string, string>();
    for (const id of ids) {
      const posId = known.ids.get(id);
      if (posId === undefined && !known.whole) return undefined;
      if (posId !== undefined && posId !== null) rows.set(id, posId);
    }
    this.restaurants.delete(key);
    this.restaurants.set(key, known);
    return rows;
  }

  /**
   * Whether a miss should read the restaurant whole: only while the cache answers, and not for
   * a restaurant already found too large for that (known by the ids read one by one).
   */
  readsWhole(brand: string, restaurantId: string): boolean {
    if (!this.answering()) return false;
    return this.restaurants.get(keyOf(brand, restaurantId))?.whole !== false;
  }

  /** Taken before a read of the table; `put` keeps the read only if nothing changed since. */
  mark(): number {
    return this.generation;
  }

  /** What a read of `ids` found (`rows`; an id not in it has no row), begun at `mark`. */
  put(
    mark: number,
    brand: string,
    restaurantId: string,
    ids: readonly string[],
    rows: ReadonlyMap<string, string>,
  ): void {
    if (!this.answering() || mark !== this.generation) return;
    const key = keyOf(brand, restaurantId);
    const known = this.restaurants.get(key) ?? {
      ids: new Map<string, string | null>(),
      whole: false,
    };
    this.restaurants.delete(key);
    this.restaurants.set(key, known);
    for (const id of ids) {
      if (!known.ids.has(id)) this.entries += 1;
      known.ids.set(id, rows.get(id) ?? null);
    }
    this.trim(key);
  }

  /** Every row the restaurant has (`rows`: Wix item id → POS id), read whole, begun at `mark`. */
  putWhole(
    mark: number,
    brand: string,
    restaurantId: string,
    rows: ReadonlyMap<string, string>,
  ): void {
    if (!this.answering() || mark !== this.generation) return;
    const key = keyOf(brand, restaurantId);
    this.drop(key);
    const known: Known = { ids: new Map(rows), whole: true };
    this.restaurants.set(key, known);
    this.entries += weightOf(known);
    this.trim(key);
  }

  /** A notification from the table's trigger. */
  changed(payload: string): void {
    this.generation += 1;
    this.heardAt = this.clock();
    if (payload === EVERYTHING) return this.clear();
    this.drop(payload);
  }

  /** The listener listens: from now on every change is heard. */
  started(): void {
    this.clear();
    this.generation += 1;
    this.live = true;
    this.heardAt = this.clock();
  }

  /** The listener's connection answered: no notification it owed can be missing. */
  heard(): void {
    this.heardAt = this.clock();
  }

  /** The listener is gone, and changes may go unheard: forget everything, answer nothing. */
  stopped(): void {
    this.clear();
    this.generation += 1;
    this.live = false;
  }

  get size(): number {
    return this.entries;
  }

  private answering(): boolean {
    if (!this.live) return false;
    if (this.clock() - this.heardAt <= this.options.silenceMs) return true;
    // Nothing heard for a while (a stalled connection, or this process paused): changes may
    // have been missed. Forget what was read, and answer again once the listener is heard.
    if (this.entries > 0) {
      this.clear();
      this.generation += 1;
    }
    return false;
  }

  /** Lets the least recently used restaurants go, past `maxEntries`; never `kept`. */
  private trim(kept: string): void {
    for (const oldest of this.restaurants.keys()) {
      if (this.entries <= this.options.maxEntries || oldest === kept) break;
      this.drop(oldest);
    }
  }

  private drop(key: string): void {
    const known = this.restaurants.get(key);
    if (!known) return;
    this.restaurants.delete(key);
    this.entries -= weightOf(known);
  }

  private clear(): void {
    this.restaurants.clear();
    this.entries = 0;
  }
}

function keyOf(brand: string, restaurantId: string): string {
  return `${brand}\n${restaurantId}`;
}
