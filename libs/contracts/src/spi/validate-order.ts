import { plainToInstance } from 'class-transformer';
import { ValidationError, validateSync } from 'class-validator';
import {
  SPI_LIMITS,
  WixOrderRequest,
  isCreditMisspelt,
  isLastDigits,
  isNotBlank,
} from './wix-order.dto';

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
  if (problems.length > 0) return { ok: false, problems, omitted: cut.omitted };
  // The check and class-validator agree on every rule (the spec says so): a body the check
  // refuses and class-validator, cut, finds nothing in can only be one whose failures were all
  // left out. The body is refused all the same.
  if (cut.omitted > 0) {
    return {
      ok: false,
      problems: ['the order request breaks the SPI model'],
      omitted: cut.omitted,
    };
  }
  return { ok: true };
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
 * hand-written check. Of those, the elements that fail on their own (not only through a choice
 * under them) are kept `MAX_DESCRIBED` at most, with the elements above them; the rest are
 * counted. The order's lines, which must not be empty, keep a valid stand-in when none of them
 * is kept. Objects on the way are copied; the body is not modified.
 */
function pruned(body: Json): { body: Json; indices: Indices; omitted: number } {
  const indices: Indices = new Map();
  let left = MAX_DESCRIBED;
  let described = 0;
  let omitted = 0;

  const cut = (
    value: unknown,
    path: string,
    isValid: (element: unknown) => boolean,
    { within = (element: unknown) => element, failsItself = () => true, keepOne = false }: Cut = {},
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
      const itself = failsItself(element);
      if (itself) left -= 1;
      const before = described;
      const inner = within(element, `${path}[${kept.length}]`);
      if (itself) described += 1;
      // Failing only through choices under it, all of them left out (and counted): not kept.
      else if (described === before) return;
      kept.push(inner);
      at.push(i);
    });
    if (kept.length === 0 && keepOne && value.length > 0) kept.push(STAND_IN_LINE);
    indices.set(path, at);
    return kept;
  };
  const line = (value: unknown, path: string): unknown => {
    if (!isObject(value)) return value;
    const group = (choices: unknown, at: string) =>
      cut(choices, at, isOrderLine, { within: line, failsItself: lineFailsItself });
    return {
      ...value,
      variationsChoices: cut(value.variationsChoices, `${path}.variationsChoices`, isChoiceGroup, {
        within: group,
        failsItself: (choices) => !Array.isArray(choices),
      }),
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
            orderItems: cut(order.orderItems, 'order.orderItems', isOrderLine, {
              within: line,
              failsItself: lineFailsItself,
              keepOne: true,
            }),
            payments: cut(order.payments, 'order.payments', isPayment),
            orderCharges: cut(order.orderCharges, 'order.orderCharges', isCharge),
          }
        : order,
    },
    indices,
    omitted,
  };
}

interface Cut {
  /** The element as kept, its own arrays cut likewise. */
  within?: (element: unknown, path: string) => unknown;
  /** Whether a failing element fails on its own, not only through elements under it. */
  failsItself?: (element: unknown) => boolean;
  /** Keep a valid stand-in when no element is kept (an array that must not be empty). */
  keepOne?: boolean;
}

/** A line that passes every rule: what a cut list of lines keeps when it keeps none of its own. */
const STAND_IN_LINE = { itemId: 'line', count: 1 };

/** A line that fails its own rules, the choices under it taken as valid lines. */
function lineFailsItself(line: unknown): boolean {
  return !isLine(line, () => true);
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

/** The order's own times; its delivery has one more, `time`. */
export const ORDER_TIMES = ['created', 'received', 'submitAt', 'modified'] as const;

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
  if (!ORDER_TIMES.every((time) => isIntIn(order[time], 0, maxTime))) return false;
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
  if (isCreditMisspelt(payment.type) || !isObject(cardToken)) return false;
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
  return isLine(line, isOrderLine);
}

/** `isChoice`: how a chosen line is checked (`isOrderLine` itself, at every depth). */
function isLine(line: unknown, isChoice: (choice: unknown) => boolean): boolean {
  if (!isObject(line) || !isId(line.itemId)) return false;
  const { count, price, variationsChoices } = line;
  if (!isIntIn(count, 1, maxInt) || !isIntIn(price, minInt, maxInt)) return false;
  if (isAbsent(variationsChoices)) return true;
  // The DTO's own check of the shape: an array of arrays of objects.
  return (
    Array.isArray(variationsChoices) &&
    variationsChoices.every(
      (choices) =>
        Array.isArray(choices) && choices.every((choice) => isObject(choice) && isChoice(choice)),
    )
  );
}

function isChoiceGroup(choices: unknown): boolean {
  return Array.isArray(choices) && choices.every(isOrderLine);
}
