import {
  isCardDataKey,
  isPlainId,
  maskCardNumber,
  redactCardText,
  searchedChars,
} from './card-text';
import { REDACTED, unusedKey } from './redact';

/**
 * Keys whose values are the SPI's ids, matched exactly by workers and POSes, wherever they are:
 * `itemId` at every depth of choices, `itemIds`, `restaurantId`, `externalIds`, the ids of a
 * restaurant's chain and location and of a charge, and a variation's `prices` and `defaults`
 * (keyed by and listing item ids). `id` is one only in its places (`ID_PLACES`). Any other
 * key, `paymentId` or `userId` among them, is masked as text is: no one matches it.
 */
const ID_KEYS = new Set([
  'itemId',
  'itemIds',
  'restaurantId',
  'restaurantLocationId',
  'locationId',
  'chainId',
  'distributorId',
  'chargeId',
  'externalIds',
  'prices',
  'defaults',
]);

/**
 * Where in a body (`{menu, order}`) a key is an id though it is none elsewhere: an object's
 * place, by the keys that lead to it (an array's items are in the array's place). `id` names
 * something in the order itself, in the menu's items and charges, and in its sections at any
 * depth; a `user.id`, or an `id` under a payment's card, is masked as text is.
 */
interface Place {
  readonly ids: ReadonlySet<string>;
  readonly within: ReadonlyMap<string, Place>;
}

const NAMED: Place = { ids: new Set(['id']), within: new Map() };
const inSection = new Map<string, Place>();
const SECTION: Place = { ids: NAMED.ids, within: inSection };
inSection.set('children', SECTION);

const ID_PLACES: Place = {
  ids: new Set(),
  within: new Map([
    ['order', NAMED],
    [
      'menu',
      {
        ids: new Set(),
        within: new Map([
          ['items', NAMED],
          ['chargesV2', NAMED],
          ['sections', SECTION],
        ]),
      },
    ],
  ]),
};

function isIdKey(key: string): boolean {
  return ID_KEYS.has(key);
}

type KeyKind = 'card data' | 'ids' | 'other';

/** What masking does with a key of an object: how its value is masked, and whether it stays. */
interface KeyRule {
  kind: KeyKind;
  /** The key is its own masked text (most keys have no digits to search). */
  kept: boolean;
  /** What its search counted towards `MAX_ORDER_TEXT_CHARS`, charged again each time. */
  searched: number;
}

/**
 * Orders repeat a few dozen keys: each is judged once (up to a bound, for odd bodies; and only
 * short keys, so that what is kept stays small).
 */
const rules = new Map<string, KeyRule>();
const MAX_RULES = 10_000;
const MAX_RULE_KEY_CHARS = 256;

function kindOf(key: string): KeyKind {
  return isCardDataKey(key) ? 'card data' : isIdKey(key) ? 'ids' : 'other';
}

/**
 * Plain ids (`isPlainId`, kept as they are) that key an object of ids, a menu's `prices` and
 * `defaults`: whether each names card data, judged once (up to a bound).
 */
const plainIdKeys = new Map<string, boolean>();

function isPlainCardDataKey(key: string): boolean | undefined {
  const known = plainIdKeys.get(key);
  if (known !== undefined || !isPlainId(key)) return known;
  const cardData = isCardDataKey(key);
  if (plainIdKeys.size < MAX_RULES && key.length <= MAX_RULE_KEY_CHARS) {
    plainIdKeys.set(key, cardData);
  }
  return cardData;
}

/**
 * How many ids the `maskOrder` call under way has masked: it runs to its end synchronously, so
 * one count serves (see `orderJsonWithoutCards`).
 */
let maskedIds = 0;

/**
 * Text with digits one order may hold, in characters searched. A real order holds a few
 * kilobytes of it (its ids and numbers are not searched). Text is searched up to four times:
 * as sent, as shown (without invisible characters), and both again with markup and escapes
 * decoded; each search counts. An order past this is refused, not searched further.
 */
export const MAX_ORDER_TEXT_CHARS = 250_000;

/** Thrown by `orderJsonWithoutCards` for an order with more text than it searches. */
export class TooMuchText extends Error {
  constructor() {
    super(`the order holds more than ${MAX_ORDER_TEXT_CHARS} characters of text with digits`);
  }
}

/** `searchedChars()` past which the call under way stops, or Infinity outside one. */
let stopAt = Infinity;
/** What the call under way owes for the keys it did not search again (`KeyRule.searched`). */
let charged = 0;

function charge(chars: number): void {
  charged += chars;
  withinBound();
}

/** Throws `TooMuchText` once the call under way has searched, or owes, past its bound. */
function withinBound(): void {
  if (searchedChars() + charged > stopAt) throw new TooMuchText();
}

function redacted(text: string): string {
  const masked = redactCardText(text);
  withinBound();
  return masked;
}

/**
 * An id, as a value or a key, as sent: a plain one (`isPlainId`), or any other with no card
 * number in it; one with a card is masked, and counted.
 */
function keepIdText(id: string): string {
  if (isPlainId(id)) return id;
  const masked = redacted(id);
  if (masked !== id) maskedIds += 1;
  return masked;
}

/** `keepIdText`; a number in a place for ids is masked as any number is (no id workers match is one). */
function keepId(value: unknown): unknown {
  return typeof value === 'string' ? keepIdText(value) : maskValue(value);
}

/** An id, a list of ids or an object of them (keys, strings and numbers) kept as sent. */
function keepIds(value: unknown): unknown {
  if (typeof value === 'string') return keepId(value);
  if (Array.isArray(value)) return mapArray(value, keepId);
  if (typeof value !== 'object' || value === null) return maskValue(value);
  return mapObject(value as Record<string, unknown>, isPlainCardDataKey, keepIdKey, keepIdField);
}

/*
 * A key of an object of ids, and its value. `plainCardData` is `isPlainCardDataKey(key)`: true
 * or false for a plain id (whether it names card data), undefined for any other key.
 */

/** The key, as `keepIdText` keeps it (a plain id as it is). */
function keepIdKey(key: string, plainCardData: boolean | undefined): string {
  return plainCardData === undefined ? keepIdText(key) : key;
}

/** The value: blanked under a card-data key, else kept as an id (`keepId`). */
function keepIdField(key: string, value: unknown, plainCardData: boolean | undefined): unknown {
  return (plainCardData ?? isCardDataKey(key)) ? blank(value) : keepId(value);
}

/** The value of a card-data key: gone, but for a missing one. */
function blank(value: unknown): unknown {
  return value === undefined || value === null ? value : REDACTED;
}

/**
 * The rule judged before for a key of any other object, if there is one; a key seen for the
 * first time has none until `maskKey` judges it, so `maskField` judges its kind itself then.
 */
function knownRule(key: string): KeyRule | undefined {
  return rules.get(key);
}

/**
 * A key of any other object, masked as text is. A key judged before and kept is not searched
 * again, but its search is counted again, so that the bound falls alike on every call.
 */
function maskKey(key: string, rule: KeyRule | undefined): string {
  if (rule?.kept) {
    charge(rule.searched);
    return key;
  }
  const before = searchedChars();
  const masked = redacted(key);
  if (!rule && rules.size < MAX_RULES && key.length <= MAX_RULE_KEY_CHARS) {
    rules.set(key, { kind: kindOf(key), kept: masked === key, searched: searchedChars() - before });
  }
  return masked;
}

function maskField(key: string, value: unknown, rule: KeyRule | undefined): unknown {
  const kind = rule?.kind ?? kindOf(key);
  if (kind === 'card data') return blank(value);
  if (kind === 'ids') return keepIds(value);
  return maskValue(value);
}

/*
 * Copy on write: an array or object comes back as it is when nothing in it changes, as in
 * nearly every order, so masking allocates nothing then.
 */

function mapArray(array: unknown[], map: (item: unknown) => unknown): unknown[] {
  let out: unknown[] | undefined;
  for (let i = 0; i < array.length; i++) {
    const item = map(array[i]);
    if (out === undefined && item !== array[i]) out = array.slice(0, i);
    if (out !== undefined) out.push(item);
  }
  return out ?? array;
}

/** `lookUp` runs once for each key, and what it found is passed to both maps of that key. */
function mapObject<F>(
  object: Record<string, unknown>,
  lookUp: (key: string) => F,
  mapKey: (key: string, found: F) => string,
  map: (key: string, value: unknown, found: F) => unknown,
): Record<string, unknown> {
  const keys = Object.keys(object);
  let out: Record<string, unknown> | undefined;
  for (let i = 0; i < keys.length; i++) {
    const key = keys[i];
    const found = lookUp(key);
    const newKey = mapKey(key, found);
    const value = map(key, object[key], found);
    if (out === undefined && (newKey !== key || value !== object[key])) {
      out = {};
      for (const earlier of keys.slice(0, i)) define(out, earlier, object[earlier]);
    }
    if (out !== undefined) define(out, unusedKey(out, newKey), value);
  }
  return out ?? object;
}

/** An own "__proto__" key (JSON.parse makes them) is defined, to stay data, not a prototype. */
function define(target: Record<string, unknown>, key: string, value: unknown): void {
  if (key === '__proto__') {
    Object.defineProperty(target, key, {
      value,
      enumerable: true,
      writable: true,
      configurable: true,
    });
  } else {
    target[key] = value;
  }
}

/** A value outside the places of `ID_PLACES`, masked by its keys alone. */
function maskValue(value: unknown): unknown {
  if (typeof value === 'string') return redacted(value);
  if (typeof value === 'number') return maskCardNumber(value);
  if (typeof value !== 'object' || value === null) return value;
  if (Array.isArray(value)) return mapArray(value, maskValue);
  return mapObject(value as Record<string, unknown>, knownRule, maskKey, maskField);
}

/** A value in a place of `ID_PLACES`: the few objects there also keep their place's ids. */
function maskIn(value: unknown, place: Place): unknown {
  if (Array.isArray(value)) return mapArray(value, (item) => maskIn(item, place));
  if (typeof value !== 'object' || value === null) return maskValue(value);
  return mapObject(value as Record<string, unknown>, knownRule, maskKey, (key, field, rule) => {
    if (place.ids.has(key)) return keepIds(field);
    const within = place.within.get(key);
    return within ? maskIn(field, within) : maskField(key, field, rule);
  });
}

/**
 * A body (`{menu, order}`) as it may travel to the kitchen and be stored there: the same JSON,
 * with card-data keys replaced and every digit run that holds a card number masked, in strings,
 * numbers and keys, except the ids that name the order, its restaurant, its items and the like
 * (Wix's ids are long digit strings that pass Luhn one time in ten): under `ID_KEYS` anywhere,
 * and under `id` in the places of `ID_PLACES`. `cards` travels sealed; this is for what a
 * client put anywhere else. The input is never modified.
 */
export function maskOrder(value: unknown): unknown {
  return maskIn(value, ID_PLACES);
}

/**
 * `JSON.stringify(order)` with `maskOrder` applied, and how many ids it masked. An id is matched
 * as sent (the order's key in the ledger, its restaurant's, its items'): one that had to be
 * masked no longer names what it named, and two ids may mask alike, so such an order is one to
 * refuse, not to send. Throws `TooMuchText` past `MAX_ORDER_TEXT_CHARS`.
 */
export function orderJsonWithoutCards(order: unknown): { json: string; maskedIds: number } {
  maskedIds = 0;
  charged = 0;
  stopAt = searchedChars() + MAX_ORDER_TEXT_CHARS;
  try {
    const json = JSON.stringify(maskOrder(order));
    return { json, maskedIds };
  } finally {
    maskedIds = 0;
    charged = 0;
    stopAt = Infinity;
  }
}
