import { plainToInstance } from 'class-transformer';
import { ValidationError, validateSync } from 'class-validator';
import { SPI_LIMITS, WixOrderRequest, isLastDigits, isNotBlank } from './wix-order.dto';

const { minInt, maxInt, maxTime, maxIdChars } = SPI_LIMITS;

export type OrderValidation =
  | { ok: true }
  | {
      ok: false;
      problems: string[];
      /** Elements that fail too but were not described (see `MAX_DESCRIBED`). */
      omitted: number;
    };

/**
 * Failing array elements described at most, in all: class-validator's cost grows with what it
 * is given, and a body of a million failing lines would hold the caller's thread for seconds.
 */
export const MAX_DESCRIBED = 20;

/**
 * Validates the SPI envelope; each problem names its path, e.g. `order.orderItems[2].itemId`.
 * A body that passes the hand-written check below is valid under the DTO's rules too; only a
 * body that fails it goes through class-validator, for its problems. The check costs a few
 * microseconds where class-validator takes about a millisecond on a 150-item menu. What
 * class-validator is given is the body with its arrays cut down to the elements that fail the
 * check (`pruned`), so that describing a failure costs no more than describing a small body.
 */
export function validateOrderRequest(body: unknown): OrderValidation {
  if (!isObject(body))
    return { ok: false, problems: ['the body must be a JSON object'], omitted: 0 };
  if (isValidRequest(body)) return { ok: true };
  const cut = pruned(body);
  const problems = classValidatorProblems(cut.body, cut.indices);
  return problems.length === 0 ? { ok: true } : { ok: false, problems, omitted: cut.omitted };
}

/** Every problem class-validator finds in `body`, whatever its size: what `validateOrderRequest` describes, uncut. */
export function describeProblems(body: unknown): string[] {
  return classValidatorProblems(body, new Map());
}

function classValidatorProblems(body: unknown, indices: Indices): string[] {
  const request = plainToInstance(WixOrderRequest, body, { excludeExtraneousValues: true });
  return describe(validateSync(request, { stopAtFirstError: true }), '', '', indices);
}

/**
 * `at` is the path in what class-validator was given, `shown` the same in the body as sent:
 * an index into an array `pruned` cut is turned back into the index it had.
 */
function describe(
  errors: ValidationError[],
  at: string,
  shown: string,
  indices: Indices,
): string[] {
  return errors.flatMap((error) => {
    const { property } = error;
    const index = /^\d+$/.test(property);
    const path = index ? `${at}[${property}]` : at ? `${at}.${property}` : property;
    const original = index ? (indices.get(at)?.[Number(property)] ?? Number(property)) : 0;
    const shownPath = index ? `${shown}[${original}]` : shown ? `${shown}.${property}` : property;
    const own = Object.values(error.constraints ?? {}).map((message) =>
      message.startsWith(`${property} `)
        ? `${shownPath}${message.slice(property.length)}`
        : `${shownPath}: ${message.replace(/^each value in nested property \S+/, 'each element')}`,
    );
    return [...own, ...describe(error.children ?? [], path, shownPath, indices)];
  });
}

/** For each array `pruned` cut, by its path in the cut body: the indices its elements had. */
type Indices = Map<string, number[]>;

/**
 * A copy of a failing body for class-validator to describe: the DTO's arrays (menu items, order
 * lines at every depth of choices, payments, charges) keep only the elements that fail the
 * hand-written check, `MAX_DESCRIBED` of them in all; the rest are counted. The order's lines
 * keep their first one when none fails, as they must not be empty. Objects on the way are
 * copied; the body is not modified.
 */
function pruned(body: Json): { body: Json; indices: Indices; omitted: number } {
  const indices: Indices = new Map();
  let left = MAX_DESCRIBED;
  let omitted = 0;

  const cut = (
    value: unknown,
    path: string,
    isValid: (element: unknown) => boolean,
    within: (element: unknown, path: string) => unknown = (element) => element,
    keepOne = false,
  ): unknown => {
    if (!Array.isArray(value)) return value;
    const kept: unknown[] = [];
    const at: number[] = [];
    value.forEach((element, i) => {
      if (isValid(element)) return;
      if (left === 0) {
        omitted += 1;
        return;
      }
      left -= 1;
      kept.push(within(element, `${path}[${kept.length}]`));
      at.push(i);
    });
    if (kept.length === 0 && keepOne && value.length > 0) {
      kept.push(within(value[0], `${path}[0]`));
      at.push(0);
    }
    indices.set(path, at);
    return kept;
  };
  const line = (value: unknown, path: string): unknown => {
    if (!isObject(value)) return value;
    const choicesPath = `${path}.variationsChoices`;
    const choices = (group: unknown, at: string) => cut(group, at, isOrderLine, line);
    return {
      ...value,
      variationsChoices: cut(value.variationsChoices, choicesPath, isChoiceGroup, choices),
    };
  };

  const { menu, order } = body;
  return {
    body: {
      ...body,
      menu: isObject(menu) ? { ...menu, items: cut(menu.items, 'menu.items', isMenuItem) } : menu,
      order: isObject(order)
        ? {
            ...order,
            orderItems: cut(order.orderItems, 'order.orderItems', isOrderLine, line, true),
            payments: cut(order.payments, 'order.payments', isPayment),
            orderCharges: cut(order.orderCharges, 'order.orderCharges', isCharge),
          }
        : order,
    },
    indices,
    omitted,
  };
}

type Json = Record<string, unknown>;

function isObject(value: unknown): value is Json {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** A string of at most `maxIdChars` units that is not blank. */
function isId(value: unknown): boolean {
  return typeof value === 'string' && value.length <= maxIdChars && isNotBlank(value);
}

function isAbsent(value: unknown): boolean {
  return value === undefined || value === null;
}

/** Absent, or an integer from `min` to `max`. */
function isIntIn(value: unknown, min: number, max: number): boolean {
  return (
    isAbsent(value) ||
    (Number.isInteger(value) && (value as number) >= min && (value as number) <= max)
  );
}

const TIMES = ['created', 'received', 'submitAt', 'modified'] as const;

/** The rules of `WixOrderRequest`, written out: exactly as strict as the DTO (its spec says so). */
export function isValidRequest(body: Json): boolean {
  const { menu, order } = body;
  if (!isObject(menu) || !isObject(order)) return false;
  if (!Array.isArray(menu.items) || !menu.items.every(isMenuItem)) return false;
  if (!isId(order.id) || !isId(order.restaurantId)) return false;
  if (!isIntIn(order.price, 0, maxInt)) return false;
  if (
    !isAbsent(order.currency) &&
    !(typeof order.currency === 'string' && /^[A-Z]{3}$/.test(order.currency))
  ) {
    return false;
  }
  if (!TIMES.every((time) => isIntIn(order[time], 0, maxTime))) return false;
  if (!isIntIn(order.takeoutPacks, 0, maxInt)) return false;
  const { delivery, orderCharges, payments } = order;
  if (!isAbsent(delivery) && !isDispatch(delivery)) return false;
  if (!isAbsent(orderCharges) && !(Array.isArray(orderCharges) && orderCharges.every(isCharge))) {
    return false;
  }
  if (!isAbsent(payments) && !(Array.isArray(payments) && payments.every(isPayment))) return false;
  const lines = order.orderItems;
  return Array.isArray(lines) && lines.length > 0 && lines.every(isOrderLine);
}

function isDispatch(dispatch: unknown): boolean {
  return (
    isObject(dispatch) && isIntIn(dispatch.charge, 0, maxInt) && isIntIn(dispatch.time, 0, maxTime)
  );
}

function isCharge(charge: unknown): boolean {
  return isObject(charge) && isIntIn(charge.amount, minInt, maxInt);
}

function isPayment(payment: unknown): boolean {
  if (!isObject(payment) || !isId(payment.type) || !isIntIn(payment.amount, 0, maxInt)) {
    return false;
  }
  const { cardToken } = payment;
  if (isAbsent(cardToken)) return true;
  if (!isObject(cardToken)) return false;
  const { creditCard } = cardToken;
  if (isAbsent(creditCard)) return true;
  return (
    isObject(creditCard) && (isAbsent(creditCard.lastDigits) || isLastDigits(creditCard.lastDigits))
  );
}

function isMenuItem(item: unknown): boolean {
  return (
    isObject(item) && isId(item.id) && (isAbsent(item.externalIds) || isObject(item.externalIds))
  );
}

function isOrderLine(line: unknown): boolean {
  if (!isObject(line) || !isId(line.itemId)) return false;
  const { count, price, variationsChoices } = line;
  if (!isIntIn(count, 1, maxInt) || !isIntIn(price, minInt, maxInt)) return false;
  if (isAbsent(variationsChoices)) return true;
  return Array.isArray(variationsChoices) && variationsChoices.every(isChoiceGroup);
}

function isChoiceGroup(choices: unknown): boolean {
  return Array.isArray(choices) && choices.every(isOrderLine);
}
