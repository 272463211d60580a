import { maskPan } from '@wix-pos-gateway/pos-sdk';
import { luhnValid } from './pan';

const REDACTED = '[redacted]';
const MAX_DEPTH = 20;

/** Keys whose values are card data whatever they look like (compared lower-cased). */
const SENSITIVE_KEYS = new Set([
  'cards',
  'csc',
  'cvv',
  'cvc',
  'cvv2',
  'securitycode',
  'holderid',
  'pan',
  'cardnumber',
]);

/**
 * Keys of the ids an operator greps logs for. Wix ids are long digit strings, and one in ten
 * passes Luhn; masking them would hide one order in ten from its own log lines.
 */
const ID_KEYS = new Set([
  'wixorderid',
  'restaurantid',
  'posorderid',
  'correlationid',
  'idempotencykey',
]);

/** ASCII and full-width digits: a card number typed on a phone's wide keyboard is still one. */
const DIGIT = '[0-9\\uFF10-\\uFF19]';
/** What people put between a card number's groups: spaces of every width, dashes, dots, slashes. */
const SEPARATOR = '[ \\u00A0\\u2007\\u2009\\u202F._/\\u2010-\\u2015-]';
/** Digit groups joined by one to three separators: "4111 1111 1111 1111", "4111.1111.…". */
const DIGIT_RUN = new RegExp(`${DIGIT}+(?:${SEPARATOR}{1,3}${DIGIT}+)*`, 'g');
const SEPARATORS = new RegExp(`${SEPARATOR}{1,3}`, 'g');
const WIDE_DIGIT = /[\uFF10-\uFF19]/g;

function asciiDigits(text: string): string {
  return text.replace(WIDE_DIGIT, (digit) => String.fromCharCode(digit.charCodeAt(0) - 0xfee0));
}

/**
 * Epoch-millisecond timestamps are 13 digits starting with 1 until 2033 and a tenth of them pass
 * Luhn; no network issues 13-digit PANs starting with 1, so they are not taken for cards. No
 * issuer number starts with 0, which keeps phone numbers run together apart from cards.
 */
export function looksLikePan(digits: string): boolean {
  if (digits.length < 12 || digits.length > 19 || digits.startsWith('0')) return false;
  if (digits.length === 13 && digits.startsWith('1')) return false;
  return luhnValid(digits);
}

function maskRun(run: string): string {
  const groups = asciiDigits(run).split(SEPARATORS);
  if (groups.length === 1) return looksLikePan(groups[0]) ? maskPan(groups[0]) : run;
  const separators = run.match(SEPARATORS) ?? [];
  const originals = run.split(SEPARATORS);
  const out: string[] = [];
  let i = 0;
  while (i < groups.length) {
    // Candidate PANs start and end on group boundaries, so "order 12345 4111 1111 1111 1111"
    // still masks the card while a long id written without separators is left alone.
    let end = -1;
    let digits = '';
    for (let j = i; j < groups.length; j++) {
      digits += groups[j];
      if (digits.length > 19) break;
      if (looksLikePan(digits)) end = j;
    }
    if (end >= 0) {
      out.push(maskPan(groups.slice(i, end + 1).join('')));
      i = end + 1;
    } else {
      out.push(originals[i]);
      i += 1;
    }
    if (i < groups.length) out.push(separators[i - 1]);
  }
  return out.join('');
}

/** How many digits a run holds, separators aside. */
function digitCount(run: string): number {
  return run.length - (run.match(SEPARATORS)?.join('').length ?? 0);
}

/**
 * Masks every 12–19 digit run that passes Luhn, its groups split by spaces, dashes, dots, slashes
 * or underscores, in ASCII or full-width digits.
 */
export function redactText(text: string): string {
  return String(text).replace(DIGIT_RUN, (run) => (digitCount(run) >= 12 ? maskRun(run) : run));
}

function maskNumberField(value: unknown): unknown {
  if (typeof value === 'string') {
    const digits = asciiDigits(value.trim()).replace(SEPARATORS, '');
    if (/^\d{12,19}$/.test(digits)) return maskPan(digits);
    return redactText(value);
  }
  if (typeof value === 'number' || typeof value === 'bigint') {
    const digits = String(value);
    if (/^\d{12,19}$/.test(digits)) return maskPan(digits);
  }
  return undefined;
}

function redactEntry(key: string, value: unknown, ancestors: Set<object>, depth: number): unknown {
  const lower = key.toLowerCase();
  if (SENSITIVE_KEYS.has(lower)) return value === undefined || value === null ? value : REDACTED;
  if (ID_KEYS.has(lower) && typeof value === 'string') return value;
  if (lower === 'number') {
    const masked = maskNumberField(value);
    if (masked !== undefined) return masked;
  }
  return walk(value, ancestors, depth);
}

function redactFields(
  source: object,
  ancestors: Set<object>,
  depth: number,
  target: Record<string, unknown>,
): Record<string, unknown> {
  for (const [key, value] of Object.entries(source)) {
    // defineProperty: an own "__proto__" key (JSON.parse makes them) must stay data, not a prototype.
    Object.defineProperty(target, redactText(key), {
      value: redactEntry(key, value, ancestors, depth),
      enumerable: true,
      writable: true,
      configurable: true,
    });
  }
  return target;
}

function walk(value: unknown, ancestors: Set<object>, depth: number): unknown {
  if (typeof value === 'string') return redactText(value);
  if (typeof value === 'function') return '[function]';
  if (typeof value !== 'object' || value === null) return value;

  if (Buffer.isBuffer(value) || ArrayBuffer.isView(value)) {
    return `[buffer ${value.byteLength} bytes]`;
  }
  if (value instanceof ArrayBuffer) return `[buffer ${value.byteLength} bytes]`;
  if (value instanceof Date) return new Date(value.getTime());
  if (ancestors.has(value)) return '[circular]';
  if (depth >= MAX_DEPTH) return '[deep]';

  ancestors.add(value);
  try {
    const next = depth + 1;
    if (Array.isArray(value)) return value.map((item) => walk(item, ancestors, next));
    if (value instanceof Map) {
      return new Map(
        [...value].map(([k, v]) => [
          walk(k, ancestors, next),
          typeof k === 'string' ? redactEntry(k, v, ancestors, next) : walk(v, ancestors, next),
        ]),
      );
    }
    if (value instanceof Set) return new Set([...value].map((v) => walk(v, ancestors, next)));
    if (value instanceof Error) {
      // name, message and stack are not enumerable, so a plain copy would lose them; a driver's
      // extra fields (pg's `detail`, `code`) are kept because they often quote the failing values.
      const copy = redactFields(value, ancestors, next, {});
      copy.name = redactText(String(value.name));
      copy.message = redactText(String(value.message));
      copy.stack = value.stack === undefined ? undefined : redactText(String(value.stack));
      if ('cause' in value && value.cause !== undefined) {
        copy.cause = walk(value.cause, ancestors, next);
      }
      return copy;
    }
    return redactFields(value, ancestors, next, {});
  } finally {
    ancestors.delete(value);
  }
}

/**
 * A deep copy fit for a log line: card-data keys replaced, PAN-looking digit runs masked in every
 * string. The input is never modified. Numbers outside a `number` key are kept as they are:
 * epoch-ms timestamps are numbers, and a 16-digit PAN does not survive as a JS number anyway.
 */
export function redact(value: unknown): unknown {
  return walk(value, new Set(), 0);
}

/** An id: `id`, `itemId`, `restaurantId`, `chargeId`…; ids are kept as sent, as in logs. */
function isIdKey(key: string): boolean {
  return key === 'id' || /[a-z0-9]Id$/.test(key) || ID_KEYS.has(key.toLowerCase());
}

function maskOrderValue(key: string, value: unknown): unknown {
  if (SENSITIVE_KEYS.has(key.toLowerCase())) {
    return value === undefined || value === null ? value : REDACTED;
  }
  // The POS's own ids for an item: matched by the workers exactly as Wix sent them.
  if (key === 'externalIds' || (isIdKey(key) && typeof value === 'string')) return value;
  if (key === 'number') {
    const masked = maskNumberField(value);
    if (masked !== undefined) return masked;
  }
  return maskOrder(value);
}

/**
 * An order as it may travel to the kitchen and be stored there: the same JSON, with card-data
 * keys replaced and PAN-looking digit runs masked in every string and key, except the ids that
 * name the order, its restaurant and its items (Wix's ids are long digit strings that pass Luhn
 * one time in ten). `cards` travels sealed; this is for what a client put anywhere else.
 */
export function maskOrder(value: unknown): unknown {
  if (typeof value === 'string') return redactText(value);
  if (typeof value !== 'object' || value === null) return value;
  if (Array.isArray(value)) return value.map(maskOrder);
  const out: Record<string, unknown> = {};
  for (const [key, field] of Object.entries(value)) {
    Object.defineProperty(out, redactText(key), {
      value: maskOrderValue(key, field),
      enumerable: true,
      writable: true,
      configurable: true,
    });
  }
  return out;
}

/**
 * `JSON.stringify(order)` with `maskOrder` applied, walking the order only when its text holds
 * a PAN-looking run at all (an id that passes Luhn is one).
 */
export function orderJsonWithoutCards(order: unknown): string {
  const json = JSON.stringify(order);
  return redactText(json) === json ? json : JSON.stringify(maskOrder(order));
}
