import { ItemMappingRow } from './mapping-table';

export type MappingFormat = 'csv' | 'json';

const CSV_HEADER = ['restaurant_id', 'wix_item_id', 'pos_item_id'] as const;

/** Reads mapping rows from CSV (`restaurant_id,wix_item_id,pos_item_id`) or JSON; names every bad row. */
export function parseMappings(text: string, format: MappingFormat): ItemMappingRow[] {
  const records = format === 'json' ? fromJson(text) : fromCsv(text);
  const problems: string[] = [];
  const rows = records.map(({ where, value }) => {
    const { restaurantId, wixItemId, posItemId } = value;
    for (const [name, field] of Object.entries({ restaurantId, wixItemId, posItemId })) {
      if (typeof field !== 'string' || field.trim() === '')
        problems.push(`${where}: ${name} is missing`);
    }
    return { restaurantId, wixItemId, posItemId } as ItemMappingRow;
  });
  if (problems.length > 0) throw new Error(`invalid mapping file:\n  ${problems.join('\n  ')}`);
  return rows;
}

export function formatMappings(rows: ItemMappingRow[], format: MappingFormat): string {
  if (format === 'json') return `${JSON.stringify(rows, null, 2)}\n`;
  const lines = rows.map((row) =>
    [row.restaurantId, row.wixItemId, row.posItemId].map(csvField).join(','),
  );
  return `${[CSV_HEADER.join(','), ...lines].join('\n')}\n`;
}

type Entry = { where: string; value: Partial<{ [K in keyof ItemMappingRow]: unknown }> };

function fromJson(text: string): Entry[] {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    throw new Error('invalid mapping file: not valid JSON');
  }
  if (!Array.isArray(parsed))
    throw new Error('invalid mapping file: expected a JSON array of rows');
  return parsed.map((value: unknown, i) => ({
    where: `row ${i + 1}`,
    value: typeof value === 'object' && value !== null ? value : {},
  }));
}

function fromCsv(text: string): Entry[] {
  const [header, ...rows] = csvRecords(text).filter((record) => record.some((f) => f !== ''));
  const columns = CSV_HEADER.map((name) => header?.indexOf(name) ?? -1);
  if (columns.some((column) => column < 0)) {
    throw new Error(`invalid mapping file: the CSV header must name ${CSV_HEADER.join(', ')}`);
  }
  const [restaurant, wix, pos] = columns as [number, number, number];
  return rows.map((fields, i) => ({
    where: `line ${i + 2}`,
    value: { restaurantId: fields[restaurant], wixItemId: fields[wix], posItemId: fields[pos] },
  }));
}

/** RFC 4180: fields may be quoted, quotes inside doubled, commas and newlines inside quotes. */
function csvRecords(text: string): string[][] {
  const records: string[][] = [];
  let record: string[] = [];
  let field = '';
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (quoted) {
      if (c === '"' && text[i + 1] === '"') {
        field += '"';
        i++;
      } else if (c === '"') quoted = false;
      else field += c;
    } else if (c === '"') quoted = true;
    else if (c === ',') {
      record.push(field.trim());
      field = '';
    } else if (c === '\n' || c === '\r') {
      if (c === '\r' && text[i + 1] === '\n') i++;
      records.push([...record, field.trim()]);
      record = [];
      field = '';
    } else field += c;
  }
  if (field !== '' || record.length > 0) records.push([...record, field.trim()]);
  return records;
}

function csvField(value: string): string {
  return /[",\r\n]/.test(value) ? `"${value.replace(/"/g, '""')}"` : value;
}
