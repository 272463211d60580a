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
    if (fromTable) return fromTable;
    const fromMenu = item.externalIds?.[this.key];
    if (typeof fromMenu === 'string' && fromMenu !== '') return fromMenu;
    return this.fromPos.get(item.id) || undefined;
  }

  /** Why an order naming this item would be answered `invalid_item_mapping`, if it would. */
  problem(item: MenuItem | undefined): string | undefined {
    if (!item) return 'is not in the menu';
    if (this.of(item)) return undefined;
    return `has no POS id (no mapping-table row, no "${this.key}" external id)`;
  }
}
