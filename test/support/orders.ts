import { randomInt } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';

const fixtures = resolve(__dirname, '../../../test/fixtures');

export type Json = Record<string, unknown>;
export interface SpiBody extends Json {
  menu: { items: Json[] } & Json;
  order: { id: string; restaurantId: string; orderItems: Json[] } & Json;
}

/** The SPI examples: `order-takeout-cash` and `order-delivery-card`. */
export function example(name: 'order-takeout-cash' | 'order-delivery-card'): SpiBody {
  return JSON.parse(readFileSync(resolve(fixtures, `${name}.json`), 'utf8')) as SpiBody;
}

/** A Wix-style id: a long decimal string, unique enough for one test run. */
export function wixId(): string {
  return `${randomInt(1e8, 1e9 - 1)}${randomInt(1e7, 1e8 - 1)}`;
}

/** A brand of its own for each test file: its own topic and consumer group. */
export function uniqueBrand(prefix: string): string {
  return `${prefix}-${Date.now().toString(36)}${randomInt(1e4)}`;
}

/** A copy of `body` with a fresh order id (and restaurant id, when given). */
export function renamed(body: SpiBody, restaurantId = body.order.restaurantId): SpiBody {
  const copy = structuredClone(body);
  copy.order.id = wixId();
  copy.order.restaurantId = restaurantId;
  return copy;
}

/** A menu item; `pos` is its POS id, left out for an unmapped item. */
export function item(id: string, pos?: string, choices: string[][] = []): Json {
  return {
    id,
    title: { en_US: `Item ${id}` },
    price: 1000,
    ...(pos === undefined ? {} : { externalIds: { pos } }),
    variations: choices.map((itemIds, i) => ({ title: { en_US: `Variation ${i}` }, itemIds })),
  };
}

/** An order of the given lines against the given menu items. */
export function orderOf(menuItems: Json[], orderItems: Json[], restaurantId = wixId()): SpiBody {
  return {
    menu: { items: menuItems, sections: [] },
    order: {
      id: wixId(),
      restaurantId,
      currency: 'USD',
      price: 1000,
      orderItems,
      delivery: { type: 'takeout' },
      contact: { firstName: 'Test' },
      payments: [{ type: 'cash', amount: 1000 }],
    },
  };
}
