import { WixOrderLine } from '@app/contracts';
import { PosOrderLine } from '@app/pos-sdk';
import { MenuItem, PosIds } from './pos-ids';

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
  const menu = new Map(menuItems.map((item) => [item.id, item]));
  const problems: MappingProblem[] = [];

  const mapLine = (line: WixOrderLine, path: string): MappedLine => {
    const item = menu.get(line.itemId);
    const posItemId = item && posIds.of(item);
    const reason = posIds.problem(item);
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

export function describeProblems(problems: MappingProblem[]): string {
  const listed = problems.map(({ path, itemId, reason }) => `${path}: item ${itemId} ${reason}`);
  return `${problems.length} item(s) cannot be mapped to the POS: ${listed.join('; ')}`;
}
