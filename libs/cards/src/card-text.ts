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
 * Digit groups, in any script's decimal digits, joined by up to five characters that are
 * neither letters nor digits: "4111 1111 1111 1111", "4111.1111.…", "4111\t1111…",
 * "(4111) 1111…", full-width or Arabic-Indic digits, a zero-width space between every digit.
 */
const DIGIT_RUN = /\p{Nd}+(?:[^\p{L}\p{N}]{1,5}\p{Nd}+)*/gu;
const DIGIT_GROUP = /\p{Nd}+/gu;
const NOT_ASCII_DIGIT = /[^0-9]/u;
const ND = /\p{Nd}/u;

/** The value of a decimal digit of any script: its distance from the zero that starts its run. */
function digitValue(char: string): number {
  let code = char.codePointAt(0)!;
  let steps = 0;
  // Unicode lays out every script's digits 0–9 contiguously, blocks of ten starting at a zero.
  while (ND.test(String.fromCodePoint(code - 1))) {
    code -= 1;
    steps += 1;
  }
  return steps % 10;
}

/** A run of decimal digits of any script, as ASCII digits. */
export function asciiDigits(digits: string): string {
  if (!NOT_ASCII_DIGIT.test(digits)) return digits;
  return Array.from(digits, (char) =>
    char >= '0' && char <= '9' ? char : String(digitValue(char)),
  ).join('');
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

/** `digits` with the PAN in it shown as first 6 / last 4, and every other digit as `*`. */
function maskAround(digits: string, [start, end]: [number, number]): string {
  const after = digits.slice(end);
  const rest = after.length >= 12 ? maskStrictly(after) : '*'.repeat(after.length);
  return '*'.repeat(start) + maskPan(digits.slice(start, end)) + rest;
}

function maskStrictly(digits: string): string {
  const pan = panWithin(digits);
  return pan ? maskAround(digits, pan) : '*'.repeat(digits.length);
}

/**
 * Candidate PANs start and end on group boundaries, so "order 12345 4111 1111 1111 1111" still
 * masks the card while a long id written without separators is left alone.
 */
function maskGroups(run: string, groups: string[]): string {
  const separators = run.split(DIGIT_GROUP);
  const originals = run.match(DIGIT_GROUP) ?? [];
  let out = separators[0];
  let i = 0;
  while (i < groups.length) {
    let end = -1;
    let digits = '';
    for (let j = i; j < groups.length; j++) {
      digits += groups[j];
      if (digits.length > 19) break;
      if (looksLikePan(digits)) end = j;
    }
    if (end >= 0) {
      out += maskPan(groups.slice(i, end + 1).join(''));
      i = end + 1;
    } else {
      out += originals[i];
      i += 1;
    }
    out += separators[i];
  }
  return out;
}

/** An ASCII digit, or a character past which every other script's digits lie. */
const MAY_BE_DIGIT = /[0-9\u0660-\uffff]/;

function maskRuns(text: string, strict: boolean): string {
  // Most strings of an order are titles and descriptions with no digit at all.
  if (text.length < 12 || !MAY_BE_DIGIT.test(text)) return text;
  return text.replace(DIGIT_RUN, (run) => {
    const groups = (run.match(DIGIT_GROUP) ?? []).map(asciiDigits);
    const digits = groups.join('');
    if (digits.length < 12) return run;
    if (strict) {
      const pan = panWithin(digits);
      return pan ? maskAround(digits, pan) : run;
    }
    return maskGroups(run, groups);
  });
}

/**
 * Masks every run of 12–19 digits on group boundaries that passes Luhn: what logs and error
 * descriptions get, where long ids written in the text must stay readable.
 */
export function redactText(text: string): string {
  return maskRuns(String(text), false);
}

/**
 * Masks every digit run that holds 12–19 digits in a row passing Luhn anywhere in it, a card
 * number with its security code after it or glued to other digits: the card shows its first 6
 * and last 4 digits, the other digits of the run are `*`. For data that may
 * not hold a card number at all; an id in such text is masked too, and so is one time in ten a
 * long digit string that is no card.
 */
export function maskCardText(text: string): string {
  return maskRuns(String(text), true);
}

/** A number that may be a card number sent as a JSON number, masked; others as they are. */
export function maskCardNumber(value: number): number | string {
  if (!Number.isInteger(value) || Math.abs(value) < 1e11) return value;
  const digits = String(Math.abs(value));
  // Epoch-ms times are 13 digits until the year 2286: they are never taken for cards.
  if (!/^\d{12}$|^\d{14,21}$/.test(digits)) return value;
  const pan = panWithin(digits);
  return pan ? maskAround(digits, pan) : value;
}
