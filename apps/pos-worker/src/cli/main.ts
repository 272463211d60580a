import 'reflect-metadata';
import { UsageError, runCommand } from '@wix-pos-gateway/runtime';
import { readFileSync, writeFileSync } from 'node:fs';
import { extname } from 'node:path';
import { parseArgs } from 'node:util';
import { openDatabase } from '@wix-pos-gateway/database';
import { loadWorkerConfig } from '../config';
import { migrate } from '../ledger/migrate';
import { OrderLookup } from '../ledger/order-lookup';
import { formatMappings, parseMappings } from '../mapping/mapping-files';
import { MappingTable } from '../mapping/mapping-table';
import { PosIds } from '../mapping/pos-ids';
import { PreflightMenu, preflight } from '../mapping/preflight';

const usage = `usage: npm run mappings -- <command> --brand <brand> [options]
  import    --file <rows.csv|rows.json> [--format csv|json]     add or replace rows
  export    [--restaurant <id>] [--format csv|json] [--file <out>]   print or write rows
  preflight --restaurant <id> --menu <menu.json>    list what would fail with invalid_item_mapping
            (<menu.json> is a Wix menu, or an SPI body with a "menu"); exits 1 if anything would
  order     --wix-order <id> | --pos-order <id> [--restaurant <id>]   an order's state, lines,
            timings and outcome from the order ledger (npm run orders -- …); exits 1 if none
  order     --in-doubt   the orders flagged for a human (docs/order-protocol.md)`;

/** The mapping-table CLI; uses DATABASE_URL and POS_EXTERNAL_ID_KEY like the worker. */
async function main(argv: string[]): Promise<number> {
  const { positionals, values } = parseCommandLine(argv);
  const [command] = positionals;
  const { brand } = values;
  if (!brand || !['import', 'export', 'preflight', 'order'].includes(command ?? '')) {
    throw new UsageError('name a command and --brand');
  }
  const config = loadWorkerConfig(process.env);
  const pool = await openDatabase({
    url: config.database.url,
    dataDir: config.database.dataDir,
    poolSize: 2,
  });
  try {
    await migrate(pool, () => undefined);
    if (command === 'order') return await showOrder(new OrderLookup(pool), brand, values);
    const table = new MappingTable(pool);
    const format = values.format ?? (extname(values.file ?? '') === '.json' ? 'json' : 'csv');
    if (format !== 'csv' && format !== 'json') throw new UsageError('--format is csv or json');
    if (command === 'import') {
      if (!values.file) throw new UsageError('import needs --file');
      const count = await table.import(
        brand,
        parseMappings(readFileSync(values.file, 'utf8'), format),
      );
      console.log(`imported ${count} mapping(s) for brand ${brand}`);
      return 0;
    }
    if (command === 'export') {
      const text = formatMappings(await table.export(brand, values.restaurant), format);
      if (values.file) writeFileSync(values.file, text);
      else process.stdout.write(text);
      return 0;
    }
    if (!values.restaurant || !values.menu)
      throw new UsageError('preflight needs --restaurant and --menu');
    const menu = readMenu(values.menu);
    const rows = await table.export(brand, values.restaurant);
    const posIds = new PosIds(
      config.integration.externalIdKey,
      new Map(rows.map((r) => [r.wixItemId, r.posItemId])),
    );
    const problems = preflight(menu, posIds);
    for (const problem of problems) {
      console.log(`${problem.path}  [${problem.itemId}] ${problem.reason}`);
    }
    console.log(
      problems.length === 0
        ? `preflight: every item and choice of the menu maps to a POS item`
        : `preflight: ${problems.length} item(s) or choice(s) would fail with invalid_item_mapping`,
    );
    return problems.length === 0 ? 0 : 1;
  } finally {
    await pool.end();
  }
}

function parseCommandLine(argv: string[]) {
  try {
    return parseArgs({
      args: argv,
      allowPositionals: true,
      options: {
        brand: { type: 'string' },
        restaurant: { type: 'string' },
        file: { type: 'string' },
        format: { type: 'string' },
        menu: { type: 'string' },
        'wix-order': { type: 'string' },
        'pos-order': { type: 'string' },
        'in-doubt': { type: 'boolean' },
      },
    });
  } catch (error) {
    throw new UsageError(error instanceof Error ? error.message : String(error));
  }
}

async function showOrder(
  lookup: OrderLookup,
  brand: string,
  values: { 'wix-order'?: string; 'pos-order'?: string; restaurant?: string; 'in-doubt'?: boolean },
): Promise<number> {
  if (values['in-doubt']) {
    const records = await lookup.find(brand, { inDoubt: true });
    for (const record of records) console.log(JSON.stringify(record));
    console.error(`${records.length} order(s) of brand ${brand} in doubt`);
    return 0;
  }
  const wixOrderId = values['wix-order'];
  const posOrderId = values['pos-order'];
  if (!wixOrderId === !posOrderId) throw new UsageError('order needs --wix-order or --pos-order');
  const records = await lookup.find(
    brand,
    wixOrderId ? { wixOrderId } : { posOrderId: posOrderId!, restaurantId: values.restaurant },
  );
  for (const record of records) console.log(JSON.stringify(record, null, 2));
  if (records.length === 0) console.error(`no such order of brand ${brand}`);
  return records.length > 0 ? 0 : 1;
}

function readMenu(file: string): PreflightMenu {
  const json = JSON.parse(readFileSync(file, 'utf8')) as { menu?: PreflightMenu } & PreflightMenu;
  const menu = json.menu ?? json;
  if (!Array.isArray(menu.items))
    throw new UsageError(`${file} holds no menu with an "items" array`);
  return menu;
}

runCommand(() => main(process.argv.slice(2)), usage);
