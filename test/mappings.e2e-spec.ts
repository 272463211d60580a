import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { postOrder } from './support/http';
import { ledgerRows, sql } from './support/ledger';
import { Json, item, orderOf, uniqueBrand, wixId } from './support/orders';
import { AppProcess, required, startGateway, startWorker, stopAll } from './support/processes';

const cli = resolve(__dirname, '../apps/pos-worker/src/cli/main.js');

/**
 * Runs the CLI without blocking this process: a loop blocked past the gateway's keep-alive
 * timeout keeps fetch from dropping its idle connection in time, and the next order is written
 * to a socket the gateway is closing ("other side closed").
 */
function mappings(...args: string[]): Promise<{ code: number | null; out: string; err: string }> {
  return new Promise((done) => {
    const child = execFile(
      process.execPath,
      [cli, ...args],
      { env: { PATH: process.env.PATH, DATABASE_URL: required('DATABASE_URL') }, encoding: 'utf8' },
      (_error, out, err) => done({ code: child.exitCode, out, err }),
    );
  });
}

describe('mapping table: CLI import/export, pre-flight check, and orders mapped by it', () => {
  const brand = uniqueBrand('mappings');
  const restaurant = wixId();
  const dir = mkdtempSync(join(tmpdir(), 'mappings-'));
  let gateway: AppProcess;
  let worker: AppProcess;

  // A menu with no POS ids but one, and choices three levels deep.
  const titled = (json: Json, title: string) => ({ ...json, title: { en_US: title } });
  const menu = {
    items: [
      titled(item('burger', 'MENU-BURGER', [['cheese']]), 'Burger'),
      titled(item('cheese', undefined, [['aged']]), 'Cheese'),
      titled(item('aged', undefined, [['smoked']]), 'Aged'),
      titled(item('smoked'), 'Smoked'),
    ],
    sections: [{ id: '1', title: { en_US: 'Mains' }, itemIds: ['burger'] }],
  };
  const menuFile = join(dir, 'menu.json');
  const rows = [
    { restaurantId: restaurant, wixItemId: 'burger', posItemId: 'TABLE-BURGER' },
    { restaurantId: restaurant, wixItemId: 'cheese', posItemId: 'TABLE-CHEESE' },
    { restaurantId: restaurant, wixItemId: 'aged', posItemId: 'TABLE-AGED' },
    { restaurantId: restaurant, wixItemId: 'smoked', posItemId: 'TABLE, "SMOKED"' },
  ];

  before(async () => {
    writeFileSync(menuFile, JSON.stringify({ menu }));
    worker = await startWorker(brand);
    gateway = await startGateway();
  });
  after(stopAll);

  const order = (restaurantId: string) =>
    orderOf(
      menu.items,
      [
        {
          itemId: 'burger',
          variationsChoices: [
            [
              {
                itemId: 'cheese',
                variationsChoices: [
                  [{ itemId: 'aged', variationsChoices: [[{ itemId: 'smoked' }]] }],
                ],
              },
            ],
          ],
        },
      ],
      restaurantId,
    );

  const preflightCheck = () =>
    mappings('preflight', '--brand', brand, '--restaurant', restaurant, '--menu', menuFile);

  it('pre-flight lists every unmapped item and choice with its title and path, and fails', async () => {
    const run = await preflightCheck();
    assert.equal(run.code, 1, run.err);
    assert.match(run.out, /Mains > Burger > Variation 0 > Cheese {2}\[cheese\] has no POS id/);
    assert.match(run.out, /Mains > Burger > Variation 0 > Cheese > Variation 0 > Aged {2}\[aged\]/);
    assert.match(run.out, /Cheese > Variation 0 > Aged > Variation 0 > Smoked {2}\[smoked\]/);
    assert.match(run.out, /3 item\(s\) or choice\(s\) would fail with invalid_item_mapping/);
  });

  it('answers invalid_item_mapping before the table has rows', async () => {
    const answer = await postOrder(gateway.url, brand, order(restaurant));
    assert.equal(answer.body.error?.code, 'invalid_item_mapping');
  });

  it('imports CSV, exports CSV and JSON, and pre-flight then passes', async () => {
    const csv = join(dir, 'rows.csv');
    const header = 'restaurant_id,wix_item_id,pos_item_id';
    const lines = rows.map((r) =>
      [
        r.restaurantId,
        r.wixItemId,
        r.posItemId.includes(',') ? `"${r.posItemId.replace(/"/g, '""')}"` : r.posItemId,
      ].join(','),
    );
    writeFileSync(csv, [header, ...lines].join('\n'));
    const imported = await mappings('import', '--brand', brand, '--file', csv);
    assert.equal(imported.code, 0, imported.err);
    assert.match(imported.out, /imported 4 mapping\(s\)/);

    const json = await mappings(
      'export',
      '--brand',
      brand,
      '--restaurant',
      restaurant,
      '--format',
      'json',
    );
    assert.deepEqual(
      JSON.parse(json.out),
      [...rows].sort((a, b) => a.wixItemId.localeCompare(b.wixItemId)),
    );
    const out = join(dir, 'out.csv');
    assert.equal((await mappings('export', '--brand', brand, '--file', out)).code, 0);
    assert.equal(readFileSync(out, 'utf8').split('\n')[0], header);
    assert.equal(readFileSync(out, 'utf8').trim().split('\n').length, 5);

    const reimported = await mappings(
      'import',
      '--brand',
      brand,
      '--file',
      join(dir, 'again.json'),
    );
    assert.equal(reimported.code, 1);
    writeFileSync(join(dir, 'again.json'), json.out);
    assert.equal(
      (await mappings('import', '--brand', brand, '--file', join(dir, 'again.json'))).code,
      0,
    );

    const run = await preflightCheck();
    assert.equal(run.code, 0, run.out);
  });

  it('maps orders through the table, which wins over the menu, for that restaurant only', async () => {
    const body = order(restaurant);
    const answer = await postOrder(gateway.url, brand, body);
    assert.match(answer.body.value?.orderId ?? JSON.stringify(answer.body), /^\d+$/);
    const row = (await ledgerRows(brand)).find((r) => r.wix_order_id === body.order.id);
    const ids: string[] = [];
    const collect = (line: { posItemId: string; choices: Array<Array<typeof line>> }) => {
      ids.push(line.posItemId);
      line.choices.forEach((choices) => choices.forEach(collect));
    };
    (row?.lines as Parameters<typeof collect>[0][]).forEach(collect);
    assert.deepEqual(ids, ['TABLE-BURGER', 'TABLE-CHEESE', 'TABLE-AGED', 'TABLE, "SMOKED"']);

    const elsewhere = await postOrder(gateway.url, brand, order(wixId()));
    assert.equal(elsewhere.body.error?.code, 'invalid_item_mapping');
  });

  /** The POS ids of an order's lines, as the ledger holds them, depth first. */
  async function posIdsOf(wixOrderId: string): Promise<string[]> {
    const row = (await ledgerRows(brand)).find((r) => r.wix_order_id === wixOrderId);
    const ids: string[] = [];
    const collect = (line: { posItemId: string; choices: Array<Array<typeof line>> }) => {
      ids.push(line.posItemId);
      line.choices.forEach((choices) => choices.forEach(collect));
    };
    (row?.lines as Parameters<typeof collect>[0][]).forEach(collect);
    return ids;
  }

  /** The worker's count of mapping reads from `source`. */
  async function lookups(source: 'cache' | 'database'): Promise<number> {
    const text = await (await fetch(`${worker.url}/metrics`)).text();
    const name = `pos_worker_mapping_lookups_total{brand="${brand}",source="${source}"}`;
    const line = text.split('\n').find((l) => l.startsWith(name));
    return line === undefined ? 0 : Number(line.split(' ').at(-1));
  }

  async function accepted(): Promise<string[]> {
    const body = order(restaurant);
    const answer = await postOrder(gateway.url, brand, body);
    assert.match(answer.body.value?.orderId ?? JSON.stringify(answer.body), /^\d+$/);
    return posIdsOf(body.order.id);
  }

  const setBurger = (posItemId: string) =>
    sql(
      `UPDATE item_mappings SET pos_item_id = $4
        WHERE brand = $1 AND restaurant_id = $2 AND wix_item_id = $3`,
      [brand, restaurant, 'burger', posItemId],
    );

  it('maps from its cache, and a row changed in the table reaches the next order', async () => {
    await accepted();
    const cached = await lookups('cache');
    assert.equal((await accepted())[0], 'TABLE-BURGER');
    assert.equal(await lookups('cache'), cached + 1, 'the second order was mapped from the cache');

    // Changed by hand, not by the CLI: the table's trigger tells every worker, within
    // milliseconds; the pause keeps a loaded machine from turning that into a flake.
    await setBurger('TABLE-BURGER-2');
    await sleep(200);
    assert.equal((await accepted())[0], 'TABLE-BURGER-2');
    assert.equal((await accepted())[0], 'TABLE-BURGER-2');
  });

  it('reads the table while the cache has lost its listener, and caches again once it is back', async () => {
    const killed = await sql<{ killed: boolean }>(
      `SELECT pg_terminate_backend(pid) AS killed FROM pg_stat_activity
        WHERE application_name = 'pos-worker mapping listener'`,
    );
    assert.ok(killed.length > 0);
    // Nobody hears this change; a cache that kept answering would give the old id.
    await setBurger('TABLE-BURGER-3');
    const read = await lookups('database');
    assert.equal((await accepted())[0], 'TABLE-BURGER-3');
    assert.equal(await lookups('database'), read + 1);

    await sleep(2_000);
    await accepted();
    const cached = await lookups('cache');
    assert.equal((await accepted())[0], 'TABLE-BURGER-3');
    assert.equal(await lookups('cache'), cached + 1, 'cached again');
  });

  it('rejects a bad invocation with usage and exit code 2', async () => {
    const run = await mappings('import');
    assert.equal(run.code, 2);
    assert.match(run.err, /usage: npm run mappings/);
  });
});
