import { maskPan } from '@wix-pos-gateway/pos-sdk';
import {
  asciiDigits,
  isCardDataKey,
  isPlainId,
  maskCardNumber,
  redactCardText,
  redactText,
} from './card-text';

export const REDACTED = '[redacted]';
const MAX_DEPTH = 20;

/**
 * `key`, or, when an earlier key masked to the same text, `key (2)`, `key (3)`…: two card
 * numbers that mask alike stay two entries.
 */
export function unusedKey(target: object, key: string): string {
  let unused = key;
  for (let n = 2; Object.prototype.hasOwnProperty.call(target, unused); n++) {
    unused = `${key} (${n})`;
  }
  return unused;
}

/**
 * Keys of the ids an operator greps logs for. Wix ids are long digit strings, and one in ten
 * passes Luhn; masking them would hide one order in ten from its own log lines. Only plain ids
 * (`isPlainId`) are kept as they are: a card written in groups or beside a space is masked.
 */
const ID_KEYS = new Set([
  'wixorderid',
  'restaurantid',
  'posorderid',
  'correlationid',
  'idempotencykey',
]);

/** The value of a `number` key: 12–19 digits are a card number, Luhn or not. */
export function maskNumberField(value: unknown): unknown {
  if (typeof value === 'string') {
    const digits = value.replace(/[^\p{L}\p{N}]/gu, '');
    if (/^\p{Nd}{12,19}$/u.test(digits)) return maskPan(asciiDigits(digits));
    return redactText(value);
  }
  if (typeof value === 'number' || typeof value === 'bigint') {
    const digits = String(value);
    if (/^\d{12,19}$/.test(digits)) return maskPan(digits);
  }
  return undefined;
}

/** A BigInt is exact: it holds a card number as its digits do in text. */
function maskBigInt(value: bigint): bigint | string {
  const text = String(value);
  const masked = redactText(text);
  return masked === text ? value : masked;
}

function redactEntry(key: string, value: unknown, ancestors: Set<object>, depth: number): unknown {
  const lower = key.toLowerCase();
  if (isCardDataKey(key)) return value === undefined || value === null ? value : REDACTED;
  if (ID_KEYS.has(lower) && typeof value === 'string') {
    return isPlainId(value) ? value : redactCardText(value);
  }
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
    Object.defineProperty(target, unusedKey(target, redactCardText(key)), {
      value: redactEntry(key, value, ancestors, depth),
      enumerable: true,
      writable: true,
      configurable: true,
    });
  }
  return target;
}

function walk(value: unknown, ancestors: Set<object>, depth: number): unknown {
  if (typeof value === 'string') return redactCardText(value);
  if (typeof value === 'number') return maskCardNumber(value);
  if (typeof value === 'bigint') return maskBigInt(value);
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
      copy.name = redactCardText(String(value.name));
      copy.message = redactCardText(String(value.message));
      copy.stack = value.stack === undefined ? undefined : redactCardText(String(value.stack));
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
 * string and in numbers of 12 or 14–19 digits (13 are epoch-ms times). The input is never
 * modified.
 */
export function redact(value: unknown): unknown {
  return walk(value, new Set(), 0);
}
