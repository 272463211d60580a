import { randomInt } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { MenuNode, buildMenu, orderLine } from './menu-factory';
import { firstNames, lastNames } from './names';
import { Draw } from './random';
import type { CardJson, JsonObject, OrderItemJson, OrderJson, SpiRequest } from './wix-json';

export type * from './wix-json';

export type ExampleName = 'order-takeout-cash' | 'order-delivery-card';

export interface GeneratedOrderOptions {
  restaurantId?: string;
  /** Order lines, each a different dish; raised to `unmapped` if lower. Default 3. */
  lines?: number;
  /** How deep the chosen variation choices nest: 0 none, 3 a choice's choice's choice. Default 1. */
  depth?: number;
  /** The `externalIds` key holding the POS id. Default `pos`. */
  posKey?: string;
  /** How many of the ordered dishes carry no POS id. Default 0. */
  unmapped?: number;
  /** Pad the menu with plain dishes up to this many items in all. */
  menuItems?: number;
  /** Pay with a card the POS clears: a `credit` payment and a top-level `cards` map. */
  withCard?: boolean;
  /** Source of menus, choices and prices; order ids always come from node:crypto. */
  random?: () => number;
}

export const DEFAULT_RESTAURANT_ID = '8830975305376234';

/** The card number every card-network test environment accepts; never a real card. */
export const TEST_CARD = { number: '4580458045804580', csc: '123' } as const;

/** A Wix-style id: a 16-digit decimal string. */
export function wixOrderId(): string {
  // randomInt spans less than 2^48, so the 16 digits come in two halves.
  return `${randomInt(10_000_000, 100_000_000)}${String(randomInt(0, 100_000_000)).padStart(8, '0')}`;
}

/** One of the SPI examples, under a fresh order id so the worker sees a new order. */
export function exampleOrder(name: ExampleName, fixturesDir: string): SpiRequest {
  const body = JSON.parse(readFileSync(join(fixturesDir, `${name}.json`), 'utf8')) as SpiRequest;
  body.order.id = wixOrderId();
  return body;
}

/** A realistic SPI body: a menu whose items carry POS ids, and an order made from it. */
export function generatedOrder(options: GeneratedOrderOptions = {}): SpiRequest {
  const draw = new Draw(options.random ?? Math.random);
  const unmapped = options.unmapped ?? 0;
  const lines = Math.max(options.lines ?? 3, unmapped);
  const { menu, dishes } = buildMenu(
    {
      dishes: lines,
      unmapped,
      depth: options.depth ?? 1,
      posKey: options.posKey ?? 'pos',
      menuItems: options.menuItems ?? 0,
    },
    draw,
  );
  const order = orderOf(dishes, options.restaurantId ?? DEFAULT_RESTAURANT_ID, draw);
  if (!options.withCard) return { menu, order };
  const { payment, token, card } = cardPayment(order, draw);
  order.payments = [payment];
  return { menu, order, cards: { [token]: card } };
}

/** A new order (fresh id) of one line per dish, with choices down to each dish's depth. */
export function orderOf(dishes: readonly MenuNode[], restaurantId: string, draw: Draw): OrderJson {
  const orderItems = dishes.map((dish) => ({ ...orderLine(dish, draw), count: draw.int(1, 3) }));
  return newOrder(restaurantId, orderItems, draw);
}

function newOrder(restaurantId: string, orderItems: OrderItemJson[], draw: Draw): OrderJson {
  const now = Date.now();
  const price = orderItems.reduce((sum, line) => sum + (line.price ?? 0) * (line.count ?? 1), 0);
  const firstName = draw.pick(firstNames);
  const lastName = draw.pick(lastNames);
  return {
    id: wixOrderId(),
    restaurantId,
    locale: 'en_US',
    created: now,
    received: now,
    status: 'new',
    currency: 'USD',
    price,
    orderItems,
    delivery: { type: 'takeout', time: now + 30 * 60_000, timeGuarantee: 'about' },
    contact: {
      firstName,
      lastName,
      phone: `+1202${draw.int(1_000_000, 9_999_999)}`,
      email: `${firstName}.${lastName}@example.org`.toLowerCase(),
    },
    payments: [{ type: 'cash', amount: price }],
  };
}

function cardPayment(
  order: OrderJson,
  draw: Draw,
): { payment: JsonObject; token: string; card: CardJson } {
  const token = `card_${order.id}`;
  const expiration = { year: new Date().getFullYear() + 3, month: draw.int(1, 12) };
  const payment = {
    type: 'credit',
    amount: order.price,
    cardToken: {
      token,
      creditCard: { expiration, lastDigits: TEST_CARD.number.slice(-4), network: 'visa' },
    },
  };
  const contact = order.contact as { firstName: string; lastName: string };
  const card: CardJson = {
    number: TEST_CARD.number,
    expiration,
    csc: TEST_CARD.csc,
    additionalFields: { holderName: `${contact.firstName} ${contact.lastName}` },
  };
  return { payment, token, card };
}
