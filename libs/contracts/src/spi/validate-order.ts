import { plainToInstance } from 'class-transformer';
import { ValidationError, validateSync } from 'class-validator';
import { WixOrderRequest } from './wix-order.dto';

export type OrderValidation = { ok: true } | { ok: false; problems: string[] };

/**
 * Validates the SPI envelope; each problem names its path, e.g. `order.orderItems[2].itemId`.
 * A body that passes the hand-written check below is valid under the DTO's rules too; only a
 * body that fails it goes through class-validator, for its problems. The check costs a few
 * microseconds where class-validator takes about a millisecond on a 150-item menu.
 */
export function validateOrderRequest(body: unknown): OrderValidation {
  if (!isObject(body)) return { ok: false, problems: ['the body must be a JSON object'] };
  if (isValidRequest(body)) return { ok: true };
  const request = plainToInstance(WixOrderRequest, body, { excludeExtraneousValues: true });
  const problems = describe(validateSync(request, { stopAtFirstError: true }), '');
  return problems.length === 0 ? { ok: true } : { ok: false, problems };
}

function describe(errors: ValidationError[], parent: string): string[] {
  return errors.flatMap((error) => {
    const path = /^\d+$/.test(error.property)
      ? `${parent}[${error.property}]`
      : parent
        ? `${parent}.${error.property}`
        : error.property;
    const own = Object.values(error.constraints ?? {}).map((message) =>
      message.startsWith(`${error.property} `)
        ? `${path}${message.slice(error.property.length)}`
        : `${path}: ${message.replace(/^each value in nested property \S+/, 'each element')}`,
    );
    return [...own, ...describe(error.children ?? [], path)];
  });
}

type Json = Record<string, unknown>;

function isObject(value: unknown): value is Json {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function isId(value: unknown): boolean {
  return typeof value === 'string' && value.length > 0;
}

function isAbsent(value: unknown): boolean {
  return value === undefined || value === null;
}

/** The rules of `WixOrderRequest`, written out: at least as strict as the DTO. */
function isValidRequest(body: Json): boolean {
  const { menu, order } = body;
  if (!isObject(menu) || !isObject(order)) return false;
  if (!Array.isArray(menu.items) || !menu.items.every(isMenuItem)) return false;
  if (!isId(order.id) || !isId(order.restaurantId)) return false;
  return Array.isArray(order.orderItems) && order.orderItems.every(isOrderLine);
}

function isMenuItem(item: unknown): boolean {
  return (
    isObject(item) && isId(item.id) && (isAbsent(item.externalIds) || isObject(item.externalIds))
  );
}

function isOrderLine(line: unknown): boolean {
  if (!isObject(line) || !isId(line.itemId)) return false;
  const { count, variationsChoices } = line;
  if (!isAbsent(count) && !(Number.isInteger(count) && (count as number) >= 1)) return false;
  if (isAbsent(variationsChoices)) return true;
  return (
    Array.isArray(variationsChoices) &&
    variationsChoices.every((choices) => Array.isArray(choices) && choices.every(isOrderLine))
  );
}
