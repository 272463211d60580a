import { WixOrderLine } from '@wix-pos-gateway/contracts';
import { PosOrderLine } from '@wix-pos-gateway/pos-sdk';
import { MenuItem, MenuItems, PosIds } from './pos-ids';

/** An order line with the POS's own item id, and its chosen variation choices, mapped too. */
export type MappedLine = PosOrderLine;

export interface MappingProblem {
  path: string;
  itemId: string;
  reason: string;
}

export type ItemMapping =
  { ok: true; lines: MappedLine[] } | { ok: false; problems: MappingProblem[] };

/**
 * Finds the POS item id of every order line and of every chosen variation choice, at every
 * depth (see `PosIds` for where it comes from). Reports every line that has none.
 */
export function mapOrderItems(
  orderItems: WixOrderLine[],
  menuItems: MenuItem[],
  posIds: PosIds,
): ItemMapping {
  const menu = new MenuItems(menuItems, posIds);
  const problems: MappingProblem[] = [];

  const mapLine = (line: WixOrderLine, path: string): MappedLine => {
    const item = menu.get(line.itemId);
    const posItemId = item && posIds.of(item);
    const reason = menu.problem(line.itemId);
    if (reason) problems.push({ path, itemId: line.itemId, reason });
    return {
      itemId: line.itemId,
      posItemId: posItemId ?? '',
      count: line.count ?? 1,
      choices: (line.variationsChoices ?? []).map((choices, i) =>
        choices.map((choice, j) => mapLine(choice, `${path}.variationsChoices[${i}][${j}]`)),
      ),
    };
  };

  const lines = orderItems.map((line, i) => mapLine(line, `order.orderItems[${i}]`));
  return problems.length === 0 ? { ok: true, lines } : { ok: false, problems };
}

/**
 * Choices the order does not offer. `variationsChoices[i]` holds the choices made in the
 * line's `variations[i]`, its snapshot of the item's variations at order time: a choice that
 * variation does not list, or choices for a variation the line does not have, are no order a
 * customer could make, and a POS would take them for modifiers of the wrong item. Checked where
 * the line carries variations, and each variation where it lists its `itemIds`.
 */
export function unofferedChoices(orderItems: WixOrderLine[]): MappingProblem[] {
  const problems: MappingProblem[] = [];
  const visit = (line: WixOrderLine, path: string): void => {
    const { variations } = line as { variations?: unknown };
    line.variationsChoices?.forEach((choices, i) => {
      const at = `${path}.variationsChoices[${i}]`;
      // An empty snapshot is read as none: nothing to check against.
      if (Array.isArray(variations) && variations.length > 0 && choices.length > 0) {
        const offered = offeredIn(variations, i);
        if (offered === 'none') {
          const reason = `has choices for a variation ${i} it does not have (it has ${variations.length})`;
          problems.push({ path: at, itemId: line.itemId, reason });
        } else if (offered) {
          choices.forEach((choice, j) => {
            if (offered.includes(choice.itemId)) return;
            const reason = `is not a choice of variation ${i} of item ${line.itemId}`;
            problems.push({ path: `${at}[${j}]`, itemId: choice.itemId, reason });
          });
        }
      }
      choices.forEach((choice, j) => visit(choice, `${at}[${j}]`));
    });
  };
  orderItems.forEach((line, i) => visit(line, `order.orderItems[${i}]`));
  return problems;
}

/** The item ids variation `i` lists; `'none'` past the last; undefined where it lists none. */
function offeredIn(variations: unknown[], i: number): unknown[] | 'none' | undefined {
  if (i >= variations.length) return 'none';
  const variation = variations[i] as { itemIds?: unknown } | null;
  const itemIds =
    typeof variation === 'object' && variation !== null ? variation.itemIds : undefined;
  return Array.isArray(itemIds) ? itemIds : undefined;
}

/** Every item id an order names: its lines and their chosen choices, at every depth. */
export function orderedItemIds(orderItems: WixOrderLine[]): string[] {
  const ids = new Set<string>();
  const visit = (line: WixOrderLine): void => {
    ids.add(line.itemId);
    line.variationsChoices?.forEach((choices) => choices.forEach(visit));
  };
  orderItems.forEach(visit);
  return [...ids];
}

/**
 * How much of the problem list an `invalid_item_mapping` description carries. Wix shows it to
 * the merchant; an order of a menu that has no mapping yet would otherwise list every line.
 */
const MAX_LISTED_CHARS = 2_000;
/** An item id is Wix's, and short; one that is not must not crowd out the others. */
const MAX_PROBLEM_CHARS = 240;

/** The problems, as many as fit in `MAX_LISTED_CHARS`, then how many more there are. */
export function describeProblems(problems: MappingProblem[]): string {
  const listed: string[] = [];
  let chars = 0;
  for (const { path, itemId, reason } of problems) {
    const problem = clip(`${path}: item ${itemId} ${reason}`, MAX_PROBLEM_CHARS);
    if (listed.length > 0 && chars + problem.length > MAX_LISTED_CHARS) break;
    listed.push(problem);
    chars += problem.length + 2;
  }
  const more = problems.length - listed.length;
  const rest = more > 0 ? `; … and ${more} more` : '';
  return `${problems.length} item(s) cannot be mapped to the POS: ${listed.join('; ')}${rest}`;
}

function clip(text: string, maxChars: number): string {
  return text.length <= maxChars ? text : `${text.slice(0, maxChars - 1)}…`;
}
