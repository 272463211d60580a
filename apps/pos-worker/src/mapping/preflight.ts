import { MenuItem, MenuItems, PosIds } from './pos-ids';
import { LocalizedTitle, titleOf } from './titles';

export interface MenuSection {
  title?: LocalizedTitle;
  itemIds?: string[];
  children?: MenuSection[];
}

export interface PreflightMenu {
  items: MenuItem[];
  sections?: MenuSection[];
}

export interface PreflightProblem {
  /** Where a customer meets it, in titles: `Dinner > Drinks > Coca-Cola > Size > Large`. */
  path: string;
  itemId: string;
  title: string;
  reason: string;
}

/**
 * Every item and variation choice of a menu, at every depth, that an order could name and
 * that would be answered `invalid_item_mapping`: what to fix before the first order fails.
 */
export function preflight(menu: PreflightMenu, posIds: PosIds): PreflightProblem[] {
  const items = new MenuItems(menu.items, posIds);
  const problems = new Map<string, PreflightProblem>();
  const reached = new Set<string>();

  const check = (itemId: string, trail: string[], open: Set<string>): void => {
    const item = items.get(itemId);
    const title = titleOf(item?.title, itemId);
    const path = [...trail, title].join(' > ');
    reached.add(itemId);
    const reason = items.problem(itemId);
    if (reason) problems.set(`${itemId}@${path}`, { path, itemId, title, reason });
    if (!item || open.has(itemId)) return;
    open.add(itemId);
    for (const [i, variation] of (item.variations ?? []).entries()) {
      const variationTitle = titleOf(variation.title, `variation ${i + 1}`);
      for (const choiceId of variation.itemIds ?? []) {
        check(choiceId, [...trail, title, variationTitle], open);
      }
    }
    open.delete(itemId);
  };

  const walk = (sections: MenuSection[], trail: string[]): void => {
    for (const [i, section] of sections.entries()) {
      const sectionTrail = [...trail, titleOf(section.title, `section ${i + 1}`)];
      for (const itemId of section.itemIds ?? []) check(itemId, sectionTrail, new Set());
      walk(section.children ?? [], sectionTrail);
    }
  };
  walk(menu.sections ?? [], []);
  // Items in no section can still be ordered through an API client: check them too.
  for (const item of menu.items) {
    if (!reached.has(item.id)) check(item.id, ['(no section)'], new Set());
  }
  return [...problems.values()];
}
