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

/**
 * Digits that are no script's decimal digits but read as ones: superscript, subscript and
 * circled or parenthesized digits, each listed from its 0 (or its 1, where there is no 0).
 */
const READ_AS_DIGITS: Array<[string, number]> = [
  ['\u2070\u00B9\u00B2\u00B3\u2074\u2075\u2076\u2077\u2078\u2079', 0],
  ['\u2080\u2081\u2082\u2083\u2084\u2085\u2086\u2087\u2088\u2089', 0],
  ['\u24EA\u2460\u2461\u2462\u2463\u2464\u2465\u2466\u2467\u2468', 0],
  ['\u24FF\u2776\u2777\u2778\u2779\u277A\u277B\u277C\u277D\u277E', 0],
  ['\u24F5\u24F6\u24F7\u24F8\u24F9\u24FA\u24FB\u24FC\u24FD', 1],
  ['\u2780\u2781\u2782\u2783\u2784\u2785\u2786\u2787\u2788', 1],
  ['\u278A\u278B\u278C\u278D\u278E\u278F\u2790\u2791\u2792', 1],
  ['\u2474\u2475\u2476\u2477\u2478\u2479\u247A\u247B\u247C', 1],
  ['\u2488\u2489\u248A\u248B\u248C\u248D\u248E\u248F\u2490', 1],
];
const OTHER_DIGIT_VALUES = new Map<string, number>(
  READ_AS_DIGITS.flatMap(([chars, first]) =>
    Array.from(chars, (char, i): [string, number] => [char, first + i]),
  ),
);
const OTHER_DIGITS = READ_AS_DIGITS.map(([chars]) => chars).join('');
const DIGIT = `[\\p{Nd}${OTHER_DIGITS}]`;
/** Between a card number's groups: up to five characters that are neither letters nor digits. */
const SEPARATOR = `[^\\p{L}\\p{Nd}${OTHER_DIGITS}]`;
const DIGIT_RUN = new RegExp(`${DIGIT}+(?:${SEPARATOR}{1,5}${DIGIT}+)*`, 'gu');
const DIGITS = new RegExp(`${DIGIT}+`, 'gu');
const ND = /\p{Nd}/u;

/** The value of a decimal digit of any script: its distance from the zero that starts its run. */
function digitValue(char: string): number {
  const other = OTHER_DIGIT_VALUES.get(char);
  if (other !== undefined) return other;
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

/**
 * A group of digits written without separators, masked: a card number as its first 6 and last 4
 * digits; a group that holds one among other digits (a card with its security code glued on)
 * all `*`, as no one can tell where in it the card lies.
 */
function maskGroup(digits: string): string {
  if (looksLikePan(digits)) return maskPan(digits);
  return digits.length >= 12 && panWithin(digits) ? '*'.repeat(digits.length) : digits;
}

/** Brackets, whitespace, zero-width characters and the soft hyphen read as a space; dashes as `-`. */
function separatorKind(separator: string): string {
  return separator
    .replace(/[()[\]{}]/g, ' ')
    .replace(/[\s\u200B-\u200D\u2060\uFEFF\u00AD]+/gu, ' ')
    .replace(/[\p{Pd}\u2212\uFE63\uFF0D]/gu, '-');
}

/**
 * How people write a card number in groups: one kind of separator throughout (spaces and
 * dashes may mix), and groups of one size with a shorter or equal last one (4-4-4-4, 4-4-4-4-3,
 * a digit at a time) or Amex's and Diners' 4-6-5 and 4-6-4. Two phone numbers, a date and a
 * time, or coordinates side by side are not written so, even when their digits pass for a card.
 */
function writtenAsCard(sizes: number[], separators: string[]): boolean {
  const kinds = new Set(separators.map(separatorKind));
  const spacesAndDashes = [...kinds].every((kind) => /^[ -]+$/.test(kind));
  if (kinds.size > 1 && !spacesAndDashes) return false;
  const [first] = sizes;
  const last = sizes[sizes.length - 1];
  if (sizes.slice(0, -1).every((size) => size === first) && last <= first) return true;
  return sizes.join('-') === '4-6-5' || sizes.join('-') === '4-6-4';
}

/** An ASCII digit, or a character past which every other kind of digit lies. */
const MAY_BE_DIGIT = /[0-9\u00B2\u00B3\u00B9\u0660-\uffff]/;

/**
 * The run with its card numbers masked: cards written in groups (`writtenAsCard`), starting and
 * ending on group boundaries, so the digits around them stay ("table 12 4111 1111 …"); and
 * every group written without separators (`maskGroup`).
 */
function maskRun(run: string): string {
  const originals = run.match(DIGITS) ?? [];
  const separators = run.split(DIGITS);
  const groups = originals.map(asciiDigits);
  let out = separators[0];
  let i = 0;
  while (i < groups.length) {
    let end = -1;
    let digits = groups[i];
    for (let j = i + 1; j < groups.length && digits.length + groups[j].length <= 19; j++) {
      digits += groups[j];
      const sizes = groups.slice(i, j + 1).map((group) => group.length);
      if (looksLikePan(digits) && writtenAsCard(sizes, separators.slice(i + 1, j + 1))) end = j;
    }
    if (end >= 0) {
      out += maskPan(groups.slice(i, end + 1).join(''));
      i = end + 1;
    } else {
      out += maskGroup(groups[i]) === groups[i] ? originals[i] : maskGroup(groups[i]);
      i += 1;
    }
    out += separators[i];
  }
  return out;
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

/** The digits of a number's shortest decimal form, as JSON and PostgreSQL write it out. */
function decimalDigits(abs: number): string {
  const [mantissa, exponent] = String(abs).split('e');
  const [whole, fraction = ''] = mantissa.split('.');
  if (exponent === undefined) return abs >= 1 ? whole : fraction;
  const shift = Number(exponent);
  // 4.63577214112173e+21 is written 4635772141121730000000 by PostgreSQL.
  if (shift > 0) return (whole + fraction).padEnd(shift + 1, '0');
  return whole + fraction;
}

/**
 * A JSON number that holds a card number's digits, as a masked string; others as they are.
 * What is read: an integer's digits, a fraction's whole part, a tiny number's mantissa.
 * Numbers of 13 digits, epoch-ms times until the year 2286, are never taken for cards; nor are
 * the fraction digits of a number from 0.000001 to 1 (coordinates, ratios). An integer too large
 * to be exact, of a card's length and issuer, is masked whole: its digits may be a card's but
 * for the last.
 */
export function maskCardNumber(value: number): number | string {
  if (!Number.isFinite(value)) return value;
  const abs = Math.abs(value);
  if (abs < 1e11 && (abs >= 1e-6 || abs === 0)) return value;
  const digits = decimalDigits(abs);
  if (digits.length < 12 || digits.length === 13) return value;
  const inexact = abs > Number.MAX_SAFE_INTEGER && digits.length >= 16 && digits.length <= 19;
  if (inexact && issuedLength(digits)) return '*'.repeat(digits.length);
  const masked = maskGroup(digits);
  return masked === digits ? value : masked;
}

/**
 * A security code written beside its name, as a comment or a POS's error text may quote one:
 * `csc: 123`, `"cvv":"1234"`, `security code 123`. A bare 3–4 digit number cannot be told from
 * any other, so only a named one is removed.
 */
const NAMED_CSC = /(csc|cvv2?|cvc2?|security[\s_-]?code)([^0-9A-Za-z]{0,4})\d{3,4}(?!\d)/gi;

/** `redactText`, and named security codes removed: for text a person or a POS wrote. */
export function redactCardText(text: string): string {
  const source = String(text);
  if (!MAY_BE_DIGIT.test(source)) return source;
  return redactText(source).replace(NAMED_CSC, '$1$2[redacted]');
}
