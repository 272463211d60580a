import { maskCardNumber, orderJsonWithoutCards } from '@wix-pos-gateway/cards';
import {
  ORDER_PAYLOAD_MAX_BYTES,
  ORDER_TIMES,
  WixOrderLine,
  WixOrderRequest,
} from '@wix-pos-gateway/contracts';

/**
 * What the gateway puts on Kafka for an order: the body Wix sent, without `cards` (they travel
 * sealed, in a header) and with the menu cut down to the items the order names, at every depth
 * of choices. A menu can weigh a megabyte and an order names a handful of its items; the worker
 * needs no more to map them. Every other field of the body, the menu and its items travels as
 * Wix sent it, but for card numbers a client put outside `cards` (in a comment, a payment's
 * card, anywhere but an id): those are masked and card-data keys removed, so that no topic or
 * POS database holds one. The menu's `sections` (ids of the whole menu) stay behind. An id with
 * a card number in it cannot be masked (see `orderJsonWithoutCards`): `maskedIds` counts them.
 */
export function orderMessage(request: WixOrderRequest & { cards?: unknown }): {
  json: string;
  maskedIds: number;
} {
  const named = new Set<string>();
  collectItemIds(request.order.orderItems, named);
  const items = request.menu.items.filter((item) => named.has(item.id));
  const menu: Record<string, unknown> = { ...request.menu, items };
  delete menu.sections;
  return orderJsonWithoutCards({ ...request, menu, cards: undefined });
}

function collectItemIds(lines: readonly WixOrderLine[], into: Set<string>): void {
  for (const line of lines) {
    into.add(line.itemId);
    for (const choices of line.variationsChoices ?? []) collectItemIds(choices, into);
  }
}

/**
 * The first of the order's times that reads as a card number (a Diners number is 14 digits, a
 * time of the year 2920 too), by its path: the masking would make it a string, and the worker
 * would refuse a time that is no number; the order is refused here instead, for what it is.
 */
export function cardShapedTime(order: WixOrderRequest['order']): string | undefined {
  const delivery = (order as { delivery?: { time?: unknown } }).delivery;
  const times: Array<[string, unknown]> = [
    ...ORDER_TIMES.map((name): [string, unknown] => [`order.${name}`, order[name]]),
    ['order.delivery.time', delivery?.time],
  ];
  return times.find(([, time]) => typeof time === 'number' && maskCardNumber(time) !== time)?.[0];
}

/**
 * Whether what goes on Kafka for an order — its message and its sealed cards — fits a message of
 * the order topic (`ORDER_PAYLOAD_MAX_BYTES`). The masking can make a message larger than the
 * body it came from (a number becomes `[redacted]`); such an order would fail the same way on
 * every delivery, so it is refused for what it is rather than answered as a broker's failure.
 */
export function fitsOrderTopic(
  json: string,
  sealed: string | undefined,
  maxBytes = ORDER_PAYLOAD_MAX_BYTES,
): boolean {
  const sealedBytes = sealed === undefined ? 0 : Buffer.byteLength(sealed);
  // Each UTF-16 unit of the JSON is at most 3 bytes of UTF-8: most orders are judged unmeasured.
  if (json.length * 3 + sealedBytes <= maxBytes) return true;
  return Buffer.byteLength(json) + sealedBytes <= maxBytes;
}
