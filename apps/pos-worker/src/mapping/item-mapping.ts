import { WixOrderLine } from '@app/contracts';

/** An order line with the POS's own item id, and its chosen variation choices, mapped too. */
export interface MappedLine {
  itemId: string;
  posItemId: string;
  count: number;
  choices: MappedLine[][];
}

export interface MappingProblem {
  path: string;
  itemId: string;
  reason: string;
}

export type ItemMapping =
  { ok: true; lines: MappedLine[] } | { ok: false; problems: MappingProblem[] };

interface MenuItem {
  id: string;
  externalIds?: Record<string, unknown>;
}

/**
 * Finds the POS item id of every order line and of every chosen variation choice, at every
 * depth, in the menu item's `externalIds[key]`. Reports every line that has none.
 */
export function mapOrderItems(
  orderItems: WixOrderLine[],
  menuItems: MenuItem[],
  key: string,
): ItemMapping {
  const menu = new Map(menuItems.map((item) => [item.id, item]));
  const problems: MappingProblem[] = [];

  const mapLine = (line: WixOrderLine, path: string): MappedLine => {
    const item = menu.get(line.itemId);
    const posItemId = item?.externalIds?.[key];
    if (!item) {
      problems.push({ path, itemId: line.itemId, reason: 'is not in the menu' });
    } else if (typeof posItemId !== 'string' || posItemId === '') {
      problems.push({ path, itemId: line.itemId, reason: `has no "${key}" external id` });
    }
    return {
      itemId: line.itemId,
      posItemId: typeof posItemId === 'string' ? posItemId : '',
      count: line.count ?? 1,
      choices: (line.variationsChoices ?? []).map((choices, i) =>
        choices.map((choice, j) => mapLine(choice, `${path}.variationsChoices[${i}][${j}]`)),
      ),
    };
  };

  const lines = orderItems.map((line, i) => mapLine(line, `order.orderItems[${i}]`));
  return problems.length === 0 ? { ok: true, lines } : { ok: false, problems };
}

export function describeProblems(problems: MappingProblem[]): string {
  const listed = problems.map(({ path, itemId, reason }) => `${path}: item ${itemId} ${reason}`);
  return `${problems.length} item(s) cannot be mapped to the POS: ${listed.join('; ')}`;
}
