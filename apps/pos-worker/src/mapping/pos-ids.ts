import { SPI_LIMITS } from '@wix-pos-gateway/contracts';
import { LocalizedTitle } from './titles';

export interface MenuItem {
  id: string;
  title?: LocalizedTitle;
  externalIds?: Record<string, unknown>;
  variations?: Array<{ title?: LocalizedTitle; itemIds?: string[] }>;
}

/**
 * Where an item's POS id comes from. The restaurant's mapping table wins; without a row there,
 * the menu item's `externalIds[key]`; without that, what the integration's `resolveMappings`
 * found in the POS itself (asked only for items nothing else maps). A table row is how a restaurant whose Wix menu carries
 * no POS ids ("independent menus, manually linked by id") links its items, and how it
 * corrects a wrong id in the menu without touching the menu.
 */
export class PosIds {
  constructor(
    private readonly key: string,
    private readonly table: ReadonlyMap<string, string> = new Map(),
    private readonly fromPos: ReadonlyMap<string, string> = new Map(),
  ) {}

  /** The same sources, and what the POS itself resolved. */
  withPosMappings(resolved: ReadonlyMap<string, string>): PosIds {
    return new PosIds(this.key, this.table, resolved);
  }

  of(item: MenuItem): string | undefined {
    const fromTable = this.table.get(item.id);
    if (isPosId(fromTable)) return fromTable;
    const fromMenu = item.externalIds?.[this.key];
    if (isPosId(fromMenu)) return fromMenu;
    const fromPos = this.fromPos.get(item.id);
    return isPosId(fromPos) ? fromPos : undefined;
  }

  /** Why an order naming this item would be answered `invalid_item_mapping`, if it would. */
  problem(item: MenuItem | undefined): string | undefined {
    if (!item) return 'is not in the menu';
    const posId = this.of(item);
    if (posId === undefined) {
      const fromMenu = item.externalIds?.[this.key];
      return typeof fromMenu === 'string' && fromMenu !== ''
        ? `has a blank "${this.key}" external id, and no mapping-table row`
        : `has no POS id (no mapping-table row, no "${this.key}" external id)`;
    }
    if (posId.length > MAX_POS_ID_CHARS) {
      return `has a POS id of ${posId.length} characters (at most ${MAX_POS_ID_CHARS})`;
    }
    return undefined;
  }
}

/** As long as an item id may be (`SPI_LIMITS.maxIdChars`): no POS names its items with more. */
const MAX_POS_ID_CHARS = SPI_LIMITS.maxIdChars;

/** Only blanks, and characters that show as nothing: a POS id of these names no item. */
const BLANK = /^[\s\p{Z}\p{Cf}]*$/u;

function isPosId(id: unknown): id is string {
  return typeof id === 'string' && !BLANK.test(id);
}

/**
 * A menu's items by id. An id the menu lists twice with two different POS ids names no one
 * item: an order naming it is answered `invalid_item_mapping`, not mapped by whichever came
 * last. Where only one copy has a POS id, that copy is the item.
 */
export class MenuItems {
  private readonly byId = new Map<string, MenuItem>();
  private readonly twice = new Set<string>();

  constructor(
    items: readonly MenuItem[],
    private readonly posIds: PosIds,
  ) {
    for (const item of items) {
      const earlier = this.byId.get(item.id);
      if (!earlier) {
        this.byId.set(item.id, item);
        continue;
      }
      // A copy with no POS id gives way; two copies with two ids name no one item.
      const posId = posIds.of(item);
      if (posId === undefined) continue;
      const earlierPosId = posIds.of(earlier);
      if (earlierPosId === undefined) this.byId.set(item.id, item);
      else if (posId !== earlierPosId) this.twice.add(item.id);
    }
  }

  get(id: string): MenuItem | undefined {
    return this.byId.get(id);
  }

  /** `PosIds.problem` of the item, or that the menu lists it twice with different POS ids. */
  problem(id: string): string | undefined {
    if (this.twice.has(id)) return 'is in the menu twice, with different POS ids';
    return this.posIds.problem(this.byId.get(id));
  }
}
