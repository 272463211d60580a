import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { keptAliveConnection, postOrder } from './support/http';
import { readTopic } from './support/kafka';
import { ledgerRows } from './support/ledger';
import { SpiBody, example, item, orderOf, renamed, uniqueBrand, wixId } from './support/orders';
import { AppProcess, startGateway, startWorker, stopAll } from './support/processes';

describe('orders through gateway → Kafka → POS worker → ledger', () => {
  const brand = uniqueBrand('orders');
  let gateway: AppProcess;
  let workers: AppProcess[];

  before(async () => {
    workers = await Promise.all([startWorker(brand), startWorker(brand)]);
    gateway = await startGateway();
  });
  after(stopAll);

  /** Answers `body` invalid_item_mapping, naming each of `problems`, and records no order. */
  async function refusedUnmapped(body: SpiBody, problems: string[]): Promise<string> {
    const answer = await postOrder(gateway.url, brand, body);
    assert.equal(answer.body.error?.code, 'invalid_item_mapping', JSON.stringify(answer.body));
    const description = answer.body.error?.description ?? '';
    for (const expected of problems) {
      assert.ok(description.includes(expected), `${description}\nlacks: ${expected}`);
    }
    const rows = await ledgerRows(brand);
    assert.equal(rows.filter((row) => row.wix_order_id === body.order.id).length, 0);
    return description;
  }

  it('answers both SPI examples with a POS order id', async () => {
    for (const name of ['order-takeout-cash', 'order-delivery-card'] as const) {
      const body = example(name);
      body.order.fieldWixAddsLater = { nested: [1, 'two'] };
      const answer = await postOrder(gateway.url, brand, body);
      assert.equal(answer.status, 200);
      assert.match(answer.body.value?.orderId ?? JSON.stringify(answer.body), /^\d+$/);
      // An answer to a POST is never cached: no entity tag is worked out for it.
      assert.equal(answer.headers?.get('etag'), null);
    }
    const rows = await ledgerRows(brand);
    assert.deepEqual(rows.map((row) => row.wix_order_id).sort(), [
      '4471283345678921',
      '9912000000000042',
    ]);
    const pizza = rows.find((row) => row.wix_order_id === '9912000000000042');
    assert.deepEqual(pizza?.lines, [
      {
        itemId: '3000000000000001',
        posItemId: 'PZ-MARG',
        count: 2,
        choices: [
          [{ itemId: '3000000000000101', posItemId: 'TOP-MUSH', count: 1, choices: [] }],
          [],
        ],
      },
    ]);
    assert.deepEqual((pizza?.wix_order as Record<string, unknown>).fieldWixAddsLater, {
      nested: [1, 'two'],
    });
    assert.doesNotMatch(JSON.stringify(rows), /4111111111111111|"csc"|"cards"/);
  });

  it('keeps the card data of the card example out of Kafka and the logs', async () => {
    const messages = await readTopic(`pos.orders.${brand}.v1`);
    assert.ok(messages.some((message) => message.includes('9912000000000042')));
    const everything = [...messages, gateway.logs(), ...workers.map((w) => w.logs())].join('\n');
    assert.doesNotMatch(everything, /4111111111111111|"csc"|"cards"|Giulia Bianchi/);
  });

  it('gives an order posted again, or 20 times at once, one POS order and one id', async () => {
    const body = renamed(example('order-takeout-cash'));
    const first = await postOrder(gateway.url, brand, body);
    const again = await postOrder(gateway.url, brand, body);
    const burst = await Promise.all(
      Array.from({ length: 20 }, () => postOrder(gateway.url, brand, body)),
    );
    const ids = new Set([first, again, ...burst].map((answer) => answer.body.value?.orderId));
    assert.equal(ids.size, 1);
    assert.ok(first.body.value?.orderId);
    const rows = (await ledgerRows(brand)).filter((row) => row.wix_order_id === body.order.id);
    assert.equal(rows.length, 1);
  });

  it('spreads 200 concurrent orders over 2 workers: each restaurant counts 1 to 5, none lost', async () => {
    const restaurants = Array.from({ length: 40 }, () => wixId());
    const bodies = Array.from({ length: 200 }, (_, i) =>
      renamed(example('order-takeout-cash'), restaurants[i % restaurants.length]),
    );
    const answers = await Promise.all(bodies.map((body) => postOrder(gateway.url, brand, body)));
    const ids = answers.map((answer) => answer.body.value?.orderId);
    assert.deepEqual(
      answers.filter((answer) => !answer.body.value),
      [],
    );
    for (const restaurant of restaurants) {
      const tickets = ids.filter((_, i) => bodies[i].order.restaurantId === restaurant);
      assert.deepEqual(tickets.sort(), ['1', '2', '3', '4', '5']);
    }
    const recorded = new Map(
      (await ledgerRows(brand)).map((r) => [r.wix_order_id, r.pos_order_id]),
    );
    bodies.forEach((body, i) => assert.equal(recorded.get(body.order.id), ids[i]));
    for (const worker of workers) {
      const metrics = await (await fetch(`${worker.url}/metrics`)).text();
      const accepted = metrics.match(/pos_worker_orders_total\{[^}]*outcome="accepted"\} (\d+)/);
      assert.ok(Number(accepted?.[1]) > 0, `${worker.name} (pid ${worker.pid}) took no orders`);
    }
  });

  it('takes an order whose menu is several megabytes, over the 1 MB a Kafka topic takes by default', async () => {
    const description = { en_US: 'x'.repeat(1_500) };
    const padding = Array.from({ length: 2_000 }, (_, i) => ({
      ...item(`pad-${i}`, `POS-PAD-${i}`),
      description,
    }));
    const body = orderOf([item('soup', 'SOUP-1'), ...padding], [{ itemId: 'soup' }]);
    assert.ok(Buffer.byteLength(JSON.stringify(body)) > 3 * 1024 * 1024);
    const answer = await postOrder(gateway.url, brand, body);
    assert.match(answer.body.value?.orderId ?? JSON.stringify(answer.body), /^\d+$/);
    // Kafka carries the menu items the order names, not the whole menu.
    const [message] = (await readTopic(`pos.orders.${brand}.v1`)).filter((m) =>
      m.includes(body.order.id),
    );
    assert.ok(message.length < 10_000, `a ${message.length}-character message`);
    assert.match(message, /"SOUP-1"/);
  });

  it('answers invalid_item_mapping listing every unknown or unmapped item', async () => {
    const menu = [
      item('burger', 'PLU-1', [['cheese']]),
      item('cheese', 'MOD-1', [['smoked', 'plain']]),
      item('smoked'),
      item('plain', 'MOD-3'),
    ];
    const body = orderOf(menu, [
      {
        itemId: 'burger',
        variationsChoices: [[{ itemId: 'cheese', variationsChoices: [[{ itemId: 'smoked' }]] }]],
      },
      { itemId: 'ghost-item' },
      { itemId: 'burger', variationsChoices: [[{ itemId: 'another-ghost' }]] },
    ]);
    const description = await refusedUnmapped(body, [
      'order.orderItems[0].variationsChoices[0][0].variationsChoices[0][0]: item smoked has no POS id (no mapping-table row, no "pos" external id)',
      'order.orderItems[1]: item ghost-item is not in the menu',
      'order.orderItems[2].variationsChoices[0][0]: item another-ghost is not in the menu',
    ]);
    assert.match(description, /^3 item\(s\) cannot be mapped/);
  });

  it("answers invalid_item_mapping to a choice the line's own variation does not offer", async () => {
    const menu = [
      item('burger', 'PLU-1', [['cheese', 'bacon']]),
      item('cheese', 'MOD-1'),
      item('bacon', 'MOD-2'),
      item('cola', 'DR-1'),
    ];
    const variations = [{ title: { en_US: 'Toppings' }, itemIds: ['cheese', 'bacon'] }];
    const offered = orderOf(menu, [
      { itemId: 'burger', variations, variationsChoices: [[{ itemId: 'bacon' }]] },
    ]);
    const taken = await postOrder(gateway.url, brand, offered);
    assert.match(taken.body.value?.orderId ?? JSON.stringify(taken.body), /^\d+$/);

    const body = orderOf(menu, [
      {
        itemId: 'burger',
        variations,
        variationsChoices: [[{ itemId: 'cola' }], [{ itemId: 'bacon' }]],
      },
      { itemId: 'ghost' },
    ]);
    // Listed with the items that map to nothing.
    await refusedUnmapped(body, [
      'order.orderItems[0].variationsChoices[0][0]: item cola is not a choice of variation 0 of item burger',
      'order.orderItems[0].variationsChoices[1]: item burger has choices for a variation 1 it does not have (it has 1)',
      'order.orderItems[1]: item ghost is not in the menu',
    ]);
  });

  it('takes a blank POS id for none, and an item the menu lists twice apart for unmapped', async () => {
    const menu = [
      item('burger', 'PLU-1', [['cheese']]),
      item('cheese', ' \u200b\u00a0'),
      item('cola', 'C-1'),
      item('cola', 'C-2'),
    ];
    const body = orderOf(menu, [
      { itemId: 'burger', variationsChoices: [[{ itemId: 'cheese' }]] },
      { itemId: 'cola' },
    ]);
    await refusedUnmapped(body, [
      'order.orderItems[0].variationsChoices[0][0]: item cheese has a blank "pos" external id',
      'order.orderItems[1]: item cola is in the menu twice, with different POS ids',
    ]);
  });

  it("takes an order on a connection left idle past Node's default of 5 s, and says how long it may idle", async () => {
    const connection = await keptAliveConnection(gateway.url);
    const post = (body: SpiBody) => {
      const text = JSON.stringify(body);
      return connection.exchange(
        `POST /webhooks/wix/${brand} HTTP/1.1\r\nHost: gateway\r\nContent-Type: application/json\r\n` +
          `Content-Length: ${Buffer.byteLength(text)}\r\n\r\n${text}`,
      );
    };
    try {
      const first = await post(renamed(example('order-takeout-cash')));
      assert.match(first.head, /^keep-alive: timeout=65$/im);
      assert.match(first.body, /^\{"value":\{"orderId":"\d+"\}\}$/);
      await sleep(6_000);
      const second = await post(renamed(example('order-takeout-cash')));
      assert.match(second.body, /^\{"value":\{"orderId":"\d+"\}\}$/);
    } finally {
      connection.close();
    }
  });
});
