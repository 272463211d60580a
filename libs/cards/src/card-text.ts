import { maskPan } from '@wix-pos-gateway/pos-sdk';
import { luhnValid } from './pan';

/**
 * Keys whose values are card data whatever they look like, compared lower-cased and without
 * `_`, `-` or spaces (`security_code`, `Holder-Id`).
 */
const CARD_DATA_KEYS = new Set([
  'cards',
  'csc',
  'cvv',
  'cvv2',
  'cvc',
  'cvc2',
  'cid',
  'securitycode',
  'cardsecuritycode',
  'holderid',
  'cardholderid',
  'pan',
  'cardnumber',
  'track1',
  'track2',
  'trackdata',
]);

export function isCardDataKey(key: string): boolean {
  return CARD_DATA_KEYS.has(key.toLowerCase().replace(/[\s_-]/g, ''));
}

/** Superscript and subscript digits, which are no script's decimal digits but read as ones. */
const SMALL_DIGITS = '\\u00B2\\u00B3\\u00B9\\u2070\\u2074-\\u2079\\u2080-\\u2089';
const SMALL_DIGIT_VALUES = new Map<string, number>([
  ['\u00B2', 2],
  ['\u00B3', 3],
  ['\u00B9', 1],
  ...Array.from('\u2070\u00B9\u00B2\u00B3\u2074\u2075\u2076\u2077\u2078\u2079', (c, i) => [c, i]),
  ...Array.from('\u2080\u2081\u2082\u2083\u2084\u2085\u2086\u2087\u2088\u2089', (c, i) => [c, i]),
] as Array<[string, number]>);
const DIGIT = `[\\p{Nd}${SMALL_DIGITS}]`;
/** Between a card number's groups: up to five characters that are neither letters nor digits. */
const SEPARATOR = `[^\\p{L}\\p{Nd}${SMALL_DIGITS}]`;
const DIGIT_RUN = new RegExp(`${DIGIT}+(?:${SEPARATOR}{1,5}${DIGIT}+)*`, 'gu');
const DIGITS = new RegExp(`${DIGIT}+`, 'gu');
const ND = /\p{Nd}/u;

/** The value of a decimal digit of any script: its distance from the zero that starts its run. */
function digitValue(char: string): number {
  const small = SMALL_DIGIT_VALUES.get(char);
  if (small !== undefined) return small;
  let code = char.codePointAt(0)!;
  let steps = 0;
  // Unicode lays out every script's digits 0–9 contiguously, blocks of ten starting at a zero.
  while (ND.test(String.fromCodePoint(code - 1))) {
    code -= 1;
    steps += 1;
  }
  return steps % 10;
}

/** A run of digits of any script, as ASCII digits. */
export function asciiDigits(digits: string): string {
  if (/^[0-9]*$/.test(digits)) return digits;
  return Array.from(digits, (char) =>
    char >= '0' && char <= '9' ? char : String(digitValue(char)),
  ).join('');
}

/** Whether `digits` start with a prefix from `from` to `to`, both of the same length. */
function prefixIn(digits: string, from: number, to: number): boolean {
  const prefix = Number(digits.slice(0, String(from).length));
  return prefix >= from && prefix <= to;
}

/**
 * The lengths the card networks issue under a number's first digits (ISO/IEC 7812 issuer
 * ranges): what tells a card number from a phone number, a date or an id of the same length.
 */
function issuedLength(digits: string): boolean {
  const n = digits.length;
  switch (digits[0]) {
    case '2': // Mastercard 2221–2720, Mir 2200–2204
      return (
        (prefixIn(digits, 2221, 2720) && n === 16) || (prefixIn(digits, 2200, 2204) && n >= 16)
      );
    case '3': // Amex 34/37, JCB 3528–3589, Diners 30/36/38/39
      if (prefixIn(digits, 34, 34) || prefixIn(digits, 37, 37)) return n === 15;
      if (prefixIn(digits, 3528, 3589)) return n >= 16;
      return (prefixIn(digits, 300, 305) || /^3[0689]/.test(digits)) && n >= 14;
    case '4': // Visa
      return n === 16 || n === 19;
    case '5': // Mastercard 51–55; Maestro 50, 56–59
      if (prefixIn(digits, 51, 55)) return n === 16;
      return prefixIn(digits, 50, 50) || n >= 16;
    case '6': // Discover, UnionPay, RuPay, Maestro (6304, 6759, 6767 from 12 digits)
      return n >= 16 || /^(6304|6759|6767)/.test(digits);
    case '8': // UnionPay and RuPay 81–82
      return prefixIn(digits, 81, 82) && n >= 16;
    case '9': // Troy
      return prefixIn(digits, 9792, 9792) && n === 16;
    default:
      return false;
  }
}

/** 12–19 digits, of a length a network issues under their first digits, passing Luhn. */
export function looksLikePan(digits: string): boolean {
  return digits.length >= 12 && digits.length <= 19 && issuedLength(digits) && luhnValid(digits);
}

/** Where in `digits` 12–19 digits in a row look like a PAN, if anywhere: [start, end). */
function panWithin(digits: string): [number, number] | undefined {
  for (let start = 0; start + 12 <= digits.length; start++) {
    for (let length = 19; length >= 12; length--) {
      const end = start + length;
      if (end <= digits.length && looksLikePan(digits.slice(start, end))) return [start, end];
    }
  }
  return undefined;
}

/** `digits` with each PAN in it shown as first 6 / last 4, and every other digit as `*`. */
function maskDigits(digits: string): string {
  const pan = panWithin(digits);
  if (!pan) return '*'.repeat(digits.length);
  const [start, end] = pan;
  return '*'.repeat(start) + maskPan(digits.slice(start, end)) + maskDigits(digits.slice(end));
}

/** An ASCII digit, or a character past which every other kind of digit lies. */
const MAY_BE_DIGIT = /[0-9\u00B2\u00B3\u00B9\u0660-\uffff]/;

/**
 * The run with its card numbers masked. Cards written as groups start and end on group
 * boundaries, so the digits around them stay ("table 12 4111 1111 …"); a group of digits
 * written without separators is masked whole when it holds a card anywhere (a card with its
 * security code glued on). Looking across separators anywhere would take two phone numbers
 * side by side for a card.
 */
function maskRun(run: string): string {
  const originals = run.match(DIGITS) ?? [];
  const separators = run.split(DIGITS);
  const groups = originals.map(asciiDigits);
  const segments: Array<{ from: number; to: number; text: string }> = [];
  let kept = -1;
  const keep = (to: number) => {
    if (kept < 0) return;
    // A group of 12 digits or more may hold a card glued to other digits.
    const shown = (k: number) =>
      groups[k].length >= 12 && panWithin(groups[k]) ? maskDigits(groups[k]) : originals[k];
    let text = shown(kept);
    for (let k = kept + 1; k <= to; k++) text += separators[k] + shown(k);
    segments.push({ from: kept, to, text });
    kept = -1;
  };
  let i = 0;
  while (i < groups.length) {
    let end = -1;
    let digits = '';
    for (let j = i; j < groups.length; j++) {
      digits += groups[j];
      if (digits.length > 19) break;
      if (looksLikePan(digits)) end = j;
    }
    if (end < 0) {
      if (kept < 0) kept = i;
      i += 1;
      continue;
    }
    keep(i - 1);
    segments.push({ from: i, to: end, text: maskPan(groups.slice(i, end + 1).join('')) });
    i = end + 1;
  }
  keep(groups.length - 1);
  let out = separators[0];
  segments.forEach((segment, n) => {
    out += segment.text + (n < segments.length - 1 ? separators[segment.to + 1] : '');
  });
  return out + separators[groups.length];
}

/**
 * Masks every digit run (digits of any script, groups split by up to five characters that are
 * not letters or digits) holding 12–19 digits in a row that look like a card number: the card
 * shows its first 6 and last 4 digits. A card number with its security code after it, or glued
 * to other digits, is masked with them; a long id that holds one is masked too, so logs keep
 * ids in fields of their own.
 */
export function redactText(text: string): string {
  const source = String(text);
  // Most strings are titles, descriptions and log messages with no long run of digits.
  if (source.length < 12 || !MAY_BE_DIGIT.test(source)) return source;
  return source.replace(DIGIT_RUN, (run) => {
    const digits = asciiDigits((run.match(DIGITS) ?? []).join(''));
    return digits.length < 12 || !panWithin(digits) ? run : maskRun(run);
  });
}

/**
 * A number that holds a card number's digits (a JSON number, integer or not, with its point
 * and exponent left out) as a masked string; others as they are. Numbers of 13 digits, epoch-ms
 * times until the year 2286, are never taken for cards.
 */
export function maskCardNumber(value: number): number | string {
  if (!Number.isFinite(value) || (Number.isInteger(value) && Math.abs(value) < 1e11)) return value;
  const digits = String(Math.abs(value)).replace(/e.*$/, '').replace('.', '');
  if (digits.length < 12 || (Number.isInteger(value) && digits.length === 13)) return value;
  return panWithin(digits) ? maskDigits(digits) : value;
}
