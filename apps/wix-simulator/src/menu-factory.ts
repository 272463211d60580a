import { choiceLevels, dishNames, dishStyles } from './names';
import { Draw } from './random';
import type {
  MenuItemJson,
  MenuJson,
  MenuSectionJson,
  OrderItemJson,
  VariationJson,
} from './wix-json';

/** A menu item with the choices of its variations, kept as a tree to build orders from. */
export interface MenuNode {
  item: MenuItemJson;
  variations: Array<{ variation: VariationJson; choices: MenuNode[] }>;
}

export interface MenuPlan {
  /** How many dishes to order; the last `unmapped` of them carry no POS id. */
  dishes: number;
  unmapped: number;
  depth: number;
  posKey: string;
  /** Pad the menu with plain dishes up to this many items. */
  menuItems: number;
}

const PADDING_SECTION_SIZE = 100;

/** A menu holding `plan.dishes` dishes to order, returned as trees, among any padding. */
export function buildMenu(plan: MenuPlan, draw: Draw): { menu: MenuJson; dishes: MenuNode[] } {
  const nextId = draw.idSequence();
  const items: MenuItemJson[] = [];
  const add: AddItem = (title, price, mapped) => {
    const id = nextId();
    const item: MenuItemJson = { id, title: { en_US: title } };
    if (price !== undefined) item.price = price;
    if (mapped) item.externalIds = { [plan.posKey]: `POS-${id}` };
    items.push(item);
    return item;
  };

  const dishes = Array.from({ length: plan.dishes }, (_, index) => {
    const mapped = index < plan.dishes - plan.unmapped;
    const dish = add(draw.pick(dishNames), draw.price(800, 4800), mapped);
    return addChoices(dish, 1, plan.depth, draw, add);
  });
  const ordered = items.splice(0);
  const padding = Array.from({ length: Math.max(0, plan.menuItems - ordered.length) }, () =>
    add(
      `${draw.pick(dishStyles)} ${draw.pick(dishNames).toLowerCase()}`,
      draw.price(500, 5000),
      true,
    ),
  );
  const sections = menuSections(dishes, padding, nextId);
  // Ordered items last, so that a lookup that scans the menu pays for its whole size.
  return { menu: { modified: Date.now(), items: [...padding, ...ordered], sections }, dishes };
}

function menuSections(
  dishes: MenuNode[],
  padding: MenuItemJson[],
  nextId: () => string,
): MenuSectionJson[] {
  const mains = { id: nextId(), title: { en_US: 'Mains' }, itemIds: dishes.map((d) => d.item.id) };
  const more: MenuSectionJson[] = [];
  for (let start = 0; start < padding.length; start += PADDING_SECTION_SIZE) {
    more.push({
      id: nextId(),
      title: { en_US: `More dishes ${more.length + 1}` },
      itemIds: padding.slice(start, start + PADDING_SECTION_SIZE).map((item) => item.id),
    });
  }
  return [{ id: nextId(), title: { en_US: 'Lunch' }, children: [mains, ...more] }];
}

type AddItem = (title: string, price: number | undefined, mapped: boolean) => MenuItemJson;

function addChoices(
  item: MenuItemJson,
  level: number,
  depth: number,
  draw: Draw,
  add: AddItem,
): MenuNode {
  if (level > depth) return { item, variations: [] };
  const templates = choiceLevels[Math.min(level, choiceLevels.length) - 1] ?? [];
  const variations = templates.map((template) => {
    const titles = template.choices.slice(0, draw.int(2, template.choices.length));
    const choices = titles.map((title) =>
      addChoices(add(title, undefined, true), level + 1, depth, draw, add),
    );
    const variation: VariationJson = {
      title: { en_US: template.title },
      itemIds: choices.map((choice) => choice.item.id),
      minNumAllowed: template.minNumAllowed,
      maxNumAllowed: template.maxNumAllowed,
      prices: Object.fromEntries(
        choices.map((choice) => [choice.item.id, draw.price(0, template.maxPrice)]),
      ),
    };
    return { variation, choices };
  });
  if (variations.length > 0) item.variations = variations.map((v) => v.variation);
  return { item, variations };
}

/**
 * The order line a customer makes from a menu tree: one or two choices in every variation,
 * down to the tree's depth. Its price is the unit price, choices included.
 */
export function orderLine(node: MenuNode, draw: Draw, price = node.item.price ?? 0): OrderItemJson {
  const variationsChoices = node.variations.map(({ variation, choices }) => {
    return pickDistinct(choices, draw.int(1, mostChoices(variation, choices.length)), draw).map(
      (choice) => orderLine(choice, draw, variation.prices?.[choice.item.id] ?? 0),
    );
  });
  const choicesPrice = variationsChoices
    .flat()
    .reduce((sum, choice) => sum + (choice.price ?? 0), 0);
  const line: OrderItemJson = { itemId: node.item.id, price: price + choicesPrice };
  if (node.variations.length > 0) {
    line.variations = node.variations.map((v) => v.variation);
    line.variationsChoices = variationsChoices;
  }
  return line;
}

/** At most two choices a variation, as a customer would, and never more than it allows. */
function mostChoices(variation: VariationJson, offered: number): number {
  const allowed = typeof variation.maxNumAllowed === 'number' ? variation.maxNumAllowed : offered;
  return Math.max(1, Math.min(offered, allowed, 2));
}

function pickDistinct<T>(list: readonly T[], count: number, draw: Draw): T[] {
  const left = [...list];
  return Array.from({ length: count }, () => left.splice(draw.int(0, left.length - 1), 1)[0]);
}
