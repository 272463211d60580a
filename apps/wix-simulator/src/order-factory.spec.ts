import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { describe, it } from 'node:test';
import {
  MenuItemJson,
  OrderItemJson,
  SpiRequest,
  TEST_CARD,
  exampleOrder,
  generatedOrder,
  wixOrderId,
} from './order-factory';

const fixturesDir = resolve(__dirname, '../../../../test/fixtures');

/** A seeded source, so a failing case can be replayed. */
function seeded(seed: number): () => number {
  let state = seed;
  return () => {
    state = (state + 0x6d2b79f5) | 0;
    let t = Math.imul(state ^ (state >>> 15), 1 | state);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Every ordered item and chosen choice, with its depth (0 for an order line). */
function walk(items: OrderItemJson[], depth = 0): Array<{ line: OrderItemJson; depth: number }> {
  return items.flatMap((line) => [
    { line, depth },
    ...(line.variationsChoices ?? []).flatMap((choices) => walk(choices, depth + 1)),
  ]);
}

function menuById(body: SpiRequest): Map<string, MenuItemJson> {
  return new Map(body.menu.items.map((item) => [item.id, item]));
}

describe('generatedOrder', () => {
  it('nests choices three deep, each a menu item of its variation, with a POS id', () => {
    for (let seed = 1; seed <= 20; seed++) {
      const body = generatedOrder({ depth: 3, lines: 3, random: seeded(seed) });
      const menu = menuById(body);
      const all = walk(body.order.orderItems);
      assert.equal(Math.max(...all.map((n) => n.depth)), 3);
      for (const { line } of all) {
        const item = menu.get(line.itemId);
        assert.ok(item, `${line.itemId} is in the menu`);
        assert.equal(item.externalIds?.pos, `POS-${item.id}`);
        const variations = item.variations ?? [];
        assert.equal((line.variationsChoices ?? []).length, variations.length);
        (line.variationsChoices ?? []).forEach((choices, i) => {
          assert.ok(choices.length >= 1);
          for (const choice of choices) assert.ok(variations[i]?.itemIds.includes(choice.itemId));
        });
      }
    }
  });

  it('reaches exactly the asked depth on every line', () => {
    for (const depth of [0, 1, 2]) {
      const body = generatedOrder({ depth, random: seeded(depth) });
      for (const line of body.order.orderItems) {
        assert.equal(Math.max(...walk([line]).map((n) => n.depth)), depth);
      }
    }
  });

  it('leaves exactly `unmapped` ordered items without a POS id', () => {
    for (const [lines, unmapped] of [
      [4, 2],
      [1, 3],
      [5, 0],
    ] as const) {
      const body = generatedOrder({ lines, unmapped, depth: 2, random: seeded(lines) });
      const bare = body.menu.items.filter((item) => item.externalIds?.pos === undefined);
      assert.equal(bare.length, unmapped);
      const ordered = new Set(body.order.orderItems.map((line) => line.itemId));
      for (const item of bare) assert.ok(ordered.has(item.id));
      assert.equal(body.order.orderItems.length, Math.max(lines, unmapped));
    }
  });

  it('puts POS ids under the configured key', () => {
    const body = generatedOrder({ posKey: 'plu', random: seeded(7) });
    for (const item of body.menu.items) {
      assert.deepEqual(item.externalIds, { plu: `POS-${item.id}` });
    }
  });

  it('pads the menu to a large size, every item listed once', () => {
    const body = generatedOrder({ menuItems: 2000, depth: 2, random: seeded(3) });
    assert.equal(body.menu.items.length, 2000);
    assert.equal(menuById(body).size, 2000);
    const menu = menuById(body);
    for (const { line } of walk(body.order.orderItems)) assert.ok(menu.has(line.itemId));
    const sectioned = (body.menu.sections ?? []).flatMap((s) =>
      (s.children ?? []).flatMap((c) => c.itemIds ?? []),
    );
    assert.equal(new Set(sectioned).size, sectioned.length);
    assert.equal(
      sectioned.length,
      2000 - body.menu.items.filter((i) => i.price === undefined).length,
    );
  });

  it('prices the order as the sum of its lines, paid in cash', () => {
    const body = generatedOrder({ depth: 2, random: seeded(11) });
    const sum = body.order.orderItems.reduce((s, l) => s + (l.price ?? 0) * (l.count ?? 1), 0);
    assert.ok(sum > 0);
    assert.equal(body.order.price, sum);
    assert.deepEqual(body.order.payments, [{ type: 'cash', amount: sum }]);
    assert.equal(body.cards, undefined);
  });

  it('pays by card with a cards map keyed by the payment token', () => {
    const body = generatedOrder({ withCard: true, random: seeded(5) });
    const [payment] = body.order.payments as Array<{
      type: string;
      amount: number;
      cardToken: { token: string; creditCard: { lastDigits: string } };
    }>;
    assert.equal(payment?.type, 'credit');
    assert.equal(payment.amount, body.order.price);
    assert.equal(payment.cardToken.creditCard.lastDigits, '4580');
    const card = body.cards?.[payment.cardToken.token];
    assert.equal(card?.number, TEST_CARD.number);
    assert.equal(card.csc, '123');
  });

  it('gives unique ids, and the same menu for the same seed', () => {
    const a = generatedOrder({ depth: 3, random: seeded(42) });
    const b = generatedOrder({ depth: 3, random: seeded(42) });
    assert.equal(menuById(a).size, a.menu.items.length);
    assert.deepEqual(a.menu.items, b.menu.items);
    assert.deepEqual(a.order.orderItems, b.order.orderItems);
    assert.notEqual(a.order.id, b.order.id);
  });
});

describe('wixOrderId', () => {
  it('makes unique 16-digit decimal strings', () => {
    const ids = Array.from({ length: 5000 }, wixOrderId);
    for (const id of ids) assert.match(id, /^[1-9]\d{15}$/);
    assert.equal(new Set(ids).size, ids.length);
  });
});

describe('exampleOrder', () => {
  it('loads an example under a fresh order id', () => {
    const file = JSON.parse(
      readFileSync(resolve(fixturesDir, 'order-delivery-card.json'), 'utf8'),
    ) as SpiRequest;
    const first = exampleOrder('order-delivery-card', fixturesDir);
    const second = exampleOrder('order-delivery-card', fixturesDir);
    assert.notEqual(first.order.id, file.order.id);
    assert.notEqual(first.order.id, second.order.id);
    assert.deepEqual({ ...first.order, id: file.order.id }, file.order);
    assert.deepEqual(first.menu, file.menu);
  });
});
