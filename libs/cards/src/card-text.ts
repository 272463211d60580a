import { maskPan } from '@wix-pos-gateway/pos-sdk';
import { luhnAt, luhnValid } from './pan';

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

/** A security code by any name: `cvvCode`, `cardCvv`, `cvv_number`, `ccv`, `cvn`. */
const SECURITY_CODE_KEY =
  /cvv|cvc|csc|ccv|cvn|cv2|cvd|cav2|securitycode|securitynumber|seccode|cardcode|cardsecurity|cardverification|verificationcode|verificationvalue|sicherheitscode|pruefnummer|prüfnummer|prufnummer|cryptogramme|codigodeseguridad|códigodeseguridad/;
/** A card holder's id by any name: `holderIdNumber`, `cardholderNationalId`. */
const HOLDER_ID_KEY = /(?:^|card)holder(?:id|nationalid|personalid|document|ssn|taxid)/;
/** A card number by other names: `ccNumber`, `creditCardNo`, `primaryAccountNumber`. */
const CARD_NUMBER_KEY =
  /^(?:(?:cc|creditcard|debitcard|card|primaryaccount)(?:number|num|no|nr)|kartennummer|numerotarjeta|numerodetarjeta|numérodecarte|numerodecarte|numerocarta|numerodicarta)$/;

const ASCII = /^[\x20-\x7e]*$/;

export function isCardDataKey(key: string): boolean {
  // Compared as shown: full-width letters as ASCII, invisible characters gone, Cyrillic and
  // Greek letters that look like Latin ones as those.
  const shown = ASCII.test(key) ? key : latinLookalikes(asShownText(key));
  const name = shown.toLowerCase().replace(/[\s_.-]/g, '');
  return (
    CARD_DATA_KEYS.has(name) ||
    SECURITY_CODE_KEY.test(name) ||
    HOLDER_ID_KEY.test(name) ||
    CARD_NUMBER_KEY.test(name)
  );
}

/**
 * Cyrillic and Greek letters that show as Latin ones, by the Latin letter (lower case; upper
 * case ones are found by a case-insensitive match, or lowered first).
 */
const LOOKALIKES: Record<string, string> = {
  a: 'аα',
  c: 'сϲ',
  d: 'ԁ',
  e: 'еε',
  i: 'іι',
  n: 'ո',
  o: 'оοօ',
  p: 'рρ',
  r: 'г',
  s: 'ѕ',
  t: 'т',
  u: 'υս',
  v: 'νѵ',
  x: 'хχ',
  y: 'уγ',
};
const LATIN_OF = new Map<string, string>(
  Object.entries(LOOKALIKES).flatMap(([latin, others]) =>
    Array.from(others, (other): [string, string] => [other, latin]),
  ),
);
const ANY_LOOKALIKE = new RegExp(`[${Object.values(LOOKALIKES).join('')}]`, 'giu');

/** Text with its Cyrillic and Greek lookalikes of Latin letters as those letters. */
function latinLookalikes(text: string): string {
  return text.replace(ANY_LOOKALIKE, (char) => LATIN_OF.get(char.toLowerCase()) ?? char);
}

/** A regex matching `word` with any of its letters written as a lookalike. */
function spelled(word: string): string {
  return Array.from(word, (char) =>
    LOOKALIKES[char] ? `[${char}${LOOKALIKES[char]}]` : char,
  ).join('');
}

/** A regex matching an acronym as `spelled`, and with its letters spaced or dotted (`c.v.v.`). */
function acronym(word: string): string {
  return Array.from(word, (char) => spelled(char)).join('[.\\s]?');
}

/**
 * Characters that show as nothing, or as a mark on the character before: format characters,
 * combining marks (a keycap's frame, `4\uFE0F\u20E3`, among them), the Hangul fillers, the
 * Arabic tatweel and the blank Braille pattern. A regex character class's inside.
 */
export const INVISIBLE_CHARS = '\\p{Cf}\\p{Mn}\\p{Me}\\u3164\\uFFA0\\u115F\\u1160\\u0640\\u2800';

/**
 * Digits that are no script's decimal digits but read as ones: superscript, subscript, circled
 * or parenthesized digits and Ethiopic ones, each listed from its 0 (or its 1, where there is
 * no 0).
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
  // Ethiopic digits, which have no zero.
  ['\u1369\u136A\u136B\u136C\u136D\u136E\u136F\u1370\u1371', 1],
  // The zeros of the three sets above, and the digits with a comma.
  ['\u{1F10B}', 0],
  ['\u{1F10C}', 0],
  ['\u{1F100}', 0],
  ['\u{1F101}\u{1F102}\u{1F103}\u{1F104}\u{1F105}\u{1F106}\u{1F107}\u{1F108}\u{1F109}\u{1F10A}', 0],
];
const OTHER_DIGIT_VALUES = new Map<string, number>(
  READ_AS_DIGITS.flatMap(([chars, first]) =>
    Array.from(chars, (char, i): [string, number] => [char, first + i]),
  ),
);
const OTHER_DIGITS = READ_AS_DIGITS.map(([chars]) => chars).join('');
const DIGIT = `[\\p{Nd}${OTHER_DIGITS}]`;
/** Splits text into what lies between digit groups and the groups, alternately. */
const AROUND_DIGITS = new RegExp(`(${DIGIT}+)`, 'u');
const ND = /\p{Nd}/u;
/**
 * Letters end a run of digit groups, but for those that show nothing (Hangul fillers, the
 * Arabic tatweel), which may sit between a card's groups like spaces.
 */
const LETTER = new RegExp(`(?![${INVISIBLE_CHARS}])\\p{L}`, 'u');
/** At most this many characters between two groups of one run, or of blanks alone. */
const MAX_SEPARATOR = 5;
const MAX_BLANK_SEPARATOR = 40;
/**
 * No text a person writes holds this many digit groups without a letter, nor a group this long:
 * such a run is masked whole, digit by digit, rather than searched (the search would take
 * seconds on a run of millions of groups).
 */
const MAX_RUN_GROUPS = 256;
/** A string longer than this (100 KB and more) has every digit masked, without a search. */
const MAX_TEXT = 100_000;
const ANY_DIGIT = new RegExp(DIGIT, 'gu');
const MAX_GROUP_DIGITS = 1_000;

/**
 * Whether a separator is at most `MAX_SEPARATOR` characters (an emoji is one, of two units), or
 * at most `MAX_BLANK_SEPARATOR` blanks (a card's groups spread out, or aligned in columns).
 */
function shortSeparator(separator: string): boolean {
  if (separator.length <= MAX_SEPARATOR) return true;
  if (separator.length <= MAX_BLANK_SEPARATOR && ALL_BLANK.test(separator)) return true;
  return separator.length <= 2 * MAX_SEPARATOR && [...separator].length <= MAX_SEPARATOR;
}

const digitValues = new Map<string, number>(OTHER_DIGIT_VALUES);

/** The value of a decimal digit of any script: its distance from the zero that starts its run. */
function digitValue(char: string): number {
  let value = digitValues.get(char);
  if (value === undefined) {
    value = countFromZero(char);
    // Unicode has some 700 decimal digits: the map stays small.
    digitValues.set(char, value);
  }
  return value;
}

function countFromZero(char: string): number {
  let code = char.codePointAt(0)!;
  let steps = 0;
  // Unicode lays out every script's digits 0–9 contiguously, blocks of ten starting at a zero.
  while (ND.test(String.fromCodePoint(code - 1))) {
    code -= 1;
    steps += 1;
  }
  return steps % 10;
}

/** A run of digits of any script, as ASCII digits (anything else in it is left as it is). */
export function asciiDigits(digits: string): string {
  if (/^[0-9]*$/.test(digits)) return digits;
  return Array.from(digits, (char) => {
    if (char >= '0' && char <= '9') return char;
    return ND.test(char) || OTHER_DIGIT_VALUES.has(char) ? String(digitValue(char)) : char;
  }).join('');
}

/** Whether `digits` start with a prefix from `from` to `to`, both of the same length. */
function prefixIn(digits: string, from: number, to: number): boolean {
  // Read digit by digit: this runs for every candidate of every run, and makes no string.
  const length = Math.min(digits.length, from < 10 ? 1 : from < 100 ? 2 : from < 1000 ? 3 : 4);
  let prefix = 0;
  for (let k = 0; k < length; k++) {
    const digit = digits.charCodeAt(k) - 48;
    if (digit < 0 || digit > 9) return false;
    prefix = prefix * 10 + digit;
  }
  return prefix >= from && prefix <= to;
}

/**
 * The lengths the card networks issue under a number's first digits (ISO/IEC 7812 issuer
 * ranges): what tells a card number from a phone number, a date or an id of the same length.
 */
function issuedLength(digits: string, n = digits.length, rare = true): boolean {
  switch (digits[0]) {
    case '2': // Mastercard 2221–2720, Mir 2200–2204, Borica 2205
      return (
        (prefixIn(digits, 2221, 2720) && n === 16) || (prefixIn(digits, 2200, 2205) && n >= 16)
      );
    case '3': // Amex 34/37, JCB 3528–3589, Diners 30/36/38/39, China T-Union 31
      if (prefixIn(digits, 34, 34) || prefixIn(digits, 37, 37)) return n === 15;
      if (prefixIn(digits, 3528, 3589)) return n >= 16;
      if (prefixIn(digits, 31, 31)) return n === 19;
      return (prefixIn(digits, 300, 305) || /^3[0689]/.test(digits)) && n >= 14;
    case '4': // Visa: 16 and 19 today, 13 on older cards (`rare`)
      return n === 16 || n === 19 || (rare && n === 13);
    case '5': // Mastercard 51–55; Maestro 50, 56–59 (5893 from 12 digits)
      if (prefixIn(digits, 51, 55)) return n === 16;
      return prefixIn(digits, 50, 50) || n >= 16 || prefixIn(digits, 5893, 5893);
    case '6': // Discover, UnionPay, RuPay, Maestro (6304, 6759, 6761–6763, 6767 from 12 digits)
      return n >= 16 || /^(6304|6759|676[1-37])/.test(digits);
    case '8': // UnionPay and RuPay 81–82, UzCard 8600
      return (prefixIn(digits, 81, 82) || prefixIn(digits, 8600, 8600)) && n >= 16;
    case '9': // Troy 9792, Humo 9860, BC Card 94, NAPAS 9704 and GPN 9360 (16 or 19); other
      // national schemes (ArCa, Belkart, Prostir, DinaCard…) 16, `rare`
      if (prefixIn(digits, 9704, 9704) || prefixIn(digits, 9360, 9360)) {
        return n === 16 || n === 19;
      }
      if (rare && n === 16) return true;
      return (
        (prefixIn(digits, 9792, 9792) ||
          prefixIn(digits, 9860, 9860) ||
          prefixIn(digits, 94, 94)) &&
        n === 16
      );
    default:
      return false;
  }
}

/**
 * 12–19 digits, of a length a network issues under their first digits, passing Luhn. Without
 * `rare`, of a length most of a network's cards have (a Visa of 13 digits is not): what is
 * searched for among other digits, where a rare length would find cards in a card's own digits.
 */
export function looksLikePan(digits: string, rare = true): boolean {
  return (
    digits.length >= 12 &&
    digits.length <= 19 &&
    issuedLength(digits, digits.length, rare) &&
    luhnValid(digits)
  );
}

/**
 * Where in `digits` 12–19 digits in a row look like a PAN, if anywhere: [start, end). Among
 * other digits, only cards of common lengths (`looksLikePan`) are looked for, unless `rare`.
 */
function panWithin(digits: string, rare = false): [number, number] | undefined {
  for (let start = 0; start + 12 <= digits.length; start++) {
    // The issuer rules read at most the first 4 digits: no window is cut before it is needed.
    const prefix = digits.slice(start, start + 4);
    for (let length = Math.min(19, digits.length - start); length >= 12; length--) {
      if (issuedLength(prefix, length, rare) && luhnAt(digits, start, start + length)) {
        return [start, start + length];
      }
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

const BLANKS = new RegExp(`[\\s${INVISIBLE_CHARS}]+`, 'gu');
const ALL_BLANK = new RegExp(`^[\\s${INVISIBLE_CHARS}]+$`, 'u');

/** The kind of a separator of more than `MAX_SEPARATOR` blanks: a gap, not a space. */
const WIDE = '  ';

/**
 * Brackets, whitespace and invisible characters read as a space, more than `MAX_SEPARATOR`
 * blanks as a wide gap (`WIDE`); dashes as `-`.
 */
function separatorKind(separator: string): string {
  if (separator.length > MAX_SEPARATOR && ALL_BLANK.test(separator)) return WIDE;
  const kind = separator
    .replace(/[()[\]{}]/g, ' ')
    .replace(BLANKS, ' ')
    .replace(/[\p{Pd}\u2212\uFE63\uFF0D]/gu, '-')
    .replace(/\uFF0E/g, '.')
    .replace(/ +/g, ' ');
  return kind;
}

/** What sets numbers apart in lists, sums and times: never between a card's groups. */
const LIST_CHARS = ',;:+=&';
const LIST_PUNCTUATION = new RegExp(`[${LIST_CHARS}]`);

/**
 * How people part a card number's groups: one separator throughout, never a list's or a sum's
 * punctuation. Lists of numbers, two phone numbers, a date and a time or coordinates side by
 * side are not written so, even when their digits pass for a card and fit a printed layout.
 * A card in groups of several digits may also mix tight separators, a slip of the hand
 * (`4111-1111 1111 1111`, `4111- 1111-1111-1111`), but not as two numbers side by side are
 * written: each with its own separator and another between them (`4109 8992/4092 6912`), or
 * apart by punctuation spaced on both sides (` - `, ` / `).
 */
function writtenAsOneNumber(
  kinds: string[],
  sizes: number[],
  outside: Array<string | undefined>,
): boolean {
  const distinct = new Set(kinds);
  if (distinct.size === 1) {
    return !LIST_PUNCTUATION.test(kinds[0]) || punctuatedInFours(kinds[0], sizes, outside);
  }
  if (sizes.every((size) => size === 1)) return false;
  const tight = kinds.map(tightKind);
  if (tight.some((kind) => kind === undefined)) return false;
  const [first, middle, third] = tight;
  return !(third !== undefined && first === third && middle !== first);
}

/**
 * A card printed in fours and parted by one `:`, `+`, `=` or `&` throughout (`4111:1111:…`), as
 * no list, sum or time is written, when no more groups are joined to it the same way (an
 * address of eight such groups, a longer sum).
 */
function punctuatedInFours(
  kind: string,
  sizes: number[],
  outside: Array<string | undefined>,
): boolean {
  if (!/^[:+=&]$/.test(kind) || sizes[0] !== 4 || sizes.length < 4) return false;
  return outside.every((other) => other !== kind);
}

/** What a list sets its numbers apart with, in any script (after NFKC: `，` is `,`). */
const ANY_LIST_PUNCTUATION = new RegExp(`[${LIST_CHARS}\\u3001\\u060C\\u061B]`);

/**
 * One character, or one with blanks on one side only or repeated (`-`, `- `, `--`, `...`), as
 * the character; `undefined` for anything else (` - `, a list's punctuation).
 */
function tightKind(kind: string): string | undefined {
  if (kind === ' ') return kind;
  const bare = /^ ?([^ ])\1* ?$/u.exec(kind.normalize('NFKC'));
  if (!bare || (kind.startsWith(' ') && kind.endsWith(' ') && kind.length > 1)) return undefined;
  return ANY_LIST_PUNCTUATION.test(bare[1]) ? undefined : bare[1];
}

/**
 * Whether groups of these sizes are laid out as card networks print them (4-4-4-4, 4-4-4-4-3,
 * Amex's 4-6-5, Diners' 4-6-4), or a digit at a time.
 */
function printedLayout(sizes: number[]): boolean {
  // Read for every pair of a run's groups: no string is made of the sizes.
  const [first, second, third] = sizes;
  if (first === 4 && sizes.length === 3) return second === 6 && (third === 5 || third === 4);
  if (first === 4 && (sizes.length === 4 || sizes.length === 5)) {
    return second === 4 && third === 4 && sizes.slice(3).every((size) => size >= 1 && size <= 4);
  }
  return sizes.every((size) => size === 1);
}

/**
 * Whether groups of these sizes are laid out as a card number is read out or copied: in pairs
 * or threes (the last group shorter; 15 or 16 digits in all), or in two halves of 8. Two phone
 * numbers, a list of small numbers or an id in two parts are written so as well, so these are
 * taken only for a whole run, with one separator throughout (`readOutSeparators`) and no digit
 * glued on.
 */
function readOutLayout(sizes: number[]): boolean {
  if (sizes.join('-') === '8-8') return true;
  // Most cards are of 16 digits, Amex's of 15, some of 13 or 19; two mobile numbers in threes
  // make 18.
  const digits = sizes.reduce((sum, size) => sum + size, 0);
  const cardLength = digits === 13 || digits === 15 || digits === 16 || digits === 19;
  return cardLength && (inEqualGroups(sizes, 2) || inEqualGroups(sizes, 3));
}

/** Groups of `size` digits, the last of 1 to `size`. */
function inEqualGroups(sizes: number[], size: number): boolean {
  const last = sizes[sizes.length - 1];
  return sizes.slice(0, -1).every((s) => s === size) && last >= 1 && last <= size;
}

/**
 * One separator throughout, as a number read out is written: blanks, or for pairs and threes a
 * single `.` or `-` too. Halves of 8 must be on two lines, as copied: on one line, parted by a
 * space, a dash or a slash, they are two numbers (two phone numbers), or an id in two parts.
 */
function readOutSeparators(separators: string[], kinds: string[], sizes: number[]): boolean {
  if (sizes.length === 2) return /^\s*$/.test(separators[0]) && /[\n\r\u2028]/.test(separators[0]);
  const kind = kinds[0];
  if (kinds.some((other) => other !== kind)) return false;
  return kind === ' ' || kind === '.' || kind === '-';
}

/**
 * Whether groups `i` to `j` of a run are a card spread out in another layout than the printed
 * ones (4-12, 12-4, 6-10, 4-4-8, Amex's 5-5-5…): 2 to 5 groups of 4 digits or more (3-digit
 * groups are phone numbers'), parted by one blank, `-` or `.` throughout; two groups on one line
 * are parted after the first 4 or 6 digits or before the last 4 or 6 (two longer parts are two
 * numbers: phone numbers, a postcode and a phone number, an id in two parts). `whole` when no
 * group of 3 digits or more is joined to them the same way (`4111 111111111111 12/27`: the
 * expiry is no part of it); `part` when one group of 3 or 4 digits is, before or after them (a
 * security code), and nothing beyond it; `undefined` for anything else (a list, two phone
 * numbers).
 */
function spreadLayout(
  groups: string[],
  separators: string[],
  kinds: string[],
  i: number,
  j: number,
): 'whole' | 'part' | undefined {
  if (j - i > 4) return undefined;
  for (let g = i; g <= j; g++) if (groups[g].length < 4) return undefined;
  const kind = kinds[i];
  if (kind !== ' ' && kind !== '-' && kind !== '.') return undefined;
  for (let g = i + 1; g < j; g++) if (kinds[g] !== kind) return undefined;
  if (j - i === 1 && !/[\n\r\u2028]/.test(separators[i])) {
    const shorter = Math.min(groups[i].length, groups[j].length);
    if (shorter !== 4 && shorter !== 6) return undefined;
  }
  // Whether group `beside` is joined to its neighbour by separator `g` as the card's are.
  const joins = (g: number, beside: number) =>
    groups[beside] !== undefined && groups[beside].length >= 3 && kinds[g] === kind;
  const before = joins(i - 1, i - 1);
  const after = joins(j, j + 1);
  if (!before && !after) return 'whole';
  if (before && after) return undefined;
  const code = before
    ? groups[i - 1].length <= 4 && !joins(i - 2, i - 2)
    : groups[j + 1].length <= 4 && !joins(j + 1, j + 2);
  return code ? 'part' : undefined;
}

/**
 * Whether the groups between a candidate's first and last may be those of a printed layout,
 * of a spread one (`spreadLayout`) or, from a run's first group, of a read-out one: once they
 * may not, no longer candidate from the same first group is one either.
 */
function middleMayFit(sizes: number[], fromStart: boolean, firstSize: number): boolean {
  if (sizes.every((size) => size === 1)) return true;
  if (firstSize >= 4 && sizes.length <= 3 && sizes.every((size) => size >= 4)) return true;
  if (fromStart && (sizes.every((size) => size === 2) || sizes.every((size) => size === 3))) {
    return true;
  }
  if (sizes.length === 1) return sizes[0] === 4 || sizes[0] === 6;
  // 4-4-4-[1-4](-[1-4]): the groups between are 4, 4 and, before a fifth, 1–4.
  return (
    sizes[0] === 4 &&
    sizes[1] === 4 &&
    (sizes.length === 2 || (sizes.length === 3 && sizes[2] <= 4))
  );
}

/** An ASCII digit, or a character past which every other kind of digit lies. */
const MAY_BE_DIGIT = /[0-9\u00B2\u00B3\u00B9\u0660-\uffff]/;

/**
 * A run's groups (as written, and as ASCII digits) with their card numbers masked. Every
 * candidate (digits passing for a card, written as cards are) is found; where candidates overlap
 * (a number before the card that passes with its first groups, a security code after it that
 * passes with all of them), no one can tell which is the card, and all their digits are masked.
 * So are a candidate's groups when other digits are glued to its first or last group (`4111 1111
 * 1111 1111123`). A lone candidate shows its first 6 and last 4 digits; the digits around it
 * stay ("table 12 4111 1111 …"). A group written without separators is masked on its own
 * (`maskGroup`). Separators inside a masked card go.
 */
function maskRun(originals: string[], groups: string[], separators: string[]): string[] {
  const spans: Array<[number, number, boolean]> = [];
  // Read once: a run's separators are read for every candidate.
  const kinds = separators.map(separatorKind);
  for (let i = 0; i < groups.length; i++) {
    // The first group as written, and its last 4 or last digit when more are glued before.
    const firsts = [groups[i]];
    if (groups[i].length > 4) firsts.push(groups[i].slice(-4));
    if (groups[i].length > 1) firsts.push(groups[i].slice(-1));
    let middle = '';
    const middleSizes: number[] = [];
    const startsStretch = i === 0 || (i < kinds.length && kinds[i - 1] !== kinds[i]);
    for (let j = i + 1; j < groups.length && middle.length < 18; j++) {
      const last = groups[j];
      // The last group as written, and its first 1–6 digits (more are glued after them).
      const lasts = [last];
      for (let t = 1; t < last.length && t <= 6; t++) lasts.push(last.slice(0, t));
      let found: boolean | undefined;
      for (const first of firsts) {
        for (const end of lasts) {
          const digits = first + middle + end;
          // No card is shorter or longer, in any layout (`looksLikePan`).
          if (digits.length < 12 || digits.length > 19) continue;
          const sizes = [first.length, ...middleSizes, end.length];
          const glued = first !== groups[i] || end !== last;
          const whole = i === 0 && j === groups.length - 1 && !glued;
          const endsStretch = j === groups.length - 1 || kinds[j] !== kinds[j - 1];
          // Read out from where the run, or its separator, starts: an expiry or a code may
          // follow (`40 12 88 … 81 12/27`), the card's digits then masked whole. Halves of 8
          // are all of their stretch.
          const readOut =
            !glued &&
            (whole || (startsStretch && (sizes.length > 2 || endsStretch))) &&
            readOutLayout(sizes) &&
            readOutSeparators(separators.slice(i, j), kinds.slice(i, j), sizes);
          const spread = glued ? undefined : spreadLayout(groups, separators, kinds, i, j);
          const printed = printedLayout(sizes);
          if (!(readOut || spread || printed)) continue;
          // A card among other digits: the whole span is masked, as with a glued one.
          const among =
            glued ||
            (spread === 'part' && !printed) ||
            (readOut && !endsStretch && !printed && !spread);
          if (!looksLikePan(digits, !among)) continue;
          const outside = [kinds[i - 1], kinds[j]];
          if (!readOut && !spread && !writtenAsOneNumber(kinds.slice(i, j), sizes, outside)) {
            continue;
          }
          found = found === undefined ? among : found || among;
        }
      }
      if (found !== undefined) spans.push([i, j, found]);
      middle += last;
      middleSizes.push(last.length);
      if (!middleMayFit(middleSizes, startsStretch, groups[i].length)) break;
    }
  }
  const out = originals.map((original, k) => {
    const masked = maskGroup(groups[k]);
    return masked === groups[k] ? original : masked;
  });
  // Spans come ordered by their start: overlapping ones merge.
  let k = 0;
  while (k < spans.length) {
    const from = spans[k][0];
    let to = spans[k][1];
    let count = 1;
    while (k + count < spans.length && spans[k + count][0] <= to) {
      to = Math.max(to, spans[k + count][1]);
      count += 1;
    }
    const digits = groups.slice(from, to + 1).join('');
    out[from] = count === 1 && !spans[k][2] ? maskPan(digits) : '*'.repeat(digits.length);
    for (let g = from + 1; g <= to; g++) out[g] = '';
    for (let g = from; g < to; g++) separators[g] = '';
    k += count;
  }
  return out;
}

/**
 * Masks card numbers in text: digits of any script, in groups split by up to five characters
 * that are not letters (a run); see `maskRun` and `maskGroup` for what counts. A long id that
 * holds a card is masked too, so logs keep ids in fields of their own.
 */
export function redactText(text: string): string {
  return redactRuns(String(text), false);
}

/**
 * `text` decoded until no escape is left, or three times (`%2520` is a space escaped twice), by
 * `decode` (`percentDecoded` unless told).
 */
function decodedFully(text: string, decode = percentDecoded): string {
  let decoded = text;
  for (let i = 0; i < 3; i++) {
    const next = decode(decoded);
    if (next === decoded) break;
    decoded = next;
  }
  return decoded;
}

/**
 * Percent escapes decoded: a URL is quoted as sent ("Cannot POST /orders/4111%201111…"), and
 * decoded, a card number in it is masked like any other. Of bytes that do not decode,
 * printable ASCII is kept and the rest shown as U+FFFD (an escape's hex digits would run into
 * the digits after it).
 */
export function percentDecoded(text: string): string {
  return text.replace(/(?:%[0-9a-f]{2})+/gi, (run) => {
    try {
      return decodeURIComponent(run);
    } catch {
      return run.replace(/%([0-9a-f]{2})/gi, (_escape, hex: string) => {
        const code = parseInt(hex, 16);
        return code >= 0x20 && code < 0x7f ? String.fromCharCode(code) : '\uFFFD';
      });
    }
  });
}

/**
 * `redactCardText` for text from a URL, decoded as often as it was escaped (`decodedFully`),
 * where forms write a space as `+` and lists part values with `,`: card numbers written with
 * either, or with bytes that did not decode (U+FFFD) between their digits, are masked too (the
 * rest is left as sent).
 */
export function redactUrlText(text: string): string {
  const redacted = redactCardText(decodedFully(String(text)));
  // U+FFFD stands for bytes that did not decode: it hides nothing between two digits.
  const spaced = redacted.replace(/[+,]/g, ' ').replace(/\uFFFD/g, '');
  const again = redactCardText(spaced);
  return again === spaced ? redacted : again;
}

/** Characters that show as nothing, or as other characters do (full-width forms). */
const HIDDEN = new RegExp(`[${INVISIBLE_CHARS}\\uFF01-\\uFF5E]`, 'u');
const INVISIBLE = new RegExp(`[${INVISIBLE_CHARS}]`, 'gu');

/** What HTML writes for a space or a dash by name, as a page's text pasted or sent may hold. */
const HTML_NAMED: Record<string, string> = {
  nbsp: ' ',
  ensp: ' ',
  emsp: ' ',
  emsp13: ' ',
  emsp14: ' ',
  thinsp: ' ',
  hairsp: ' ',
  numsp: ' ',
  puncsp: ' ',
  zwsp: '',
  zerowidthspace: '',
  nobreak: '',
  shy: '',
  ndash: '-',
  mdash: '-',
  dash: '-',
  hyphen: '-',
  minus: '-',
  period: '.',
  sol: '/',
};
/** An entity: by number, by name, or by a space's or a dash's name without its `;`. */
const HTML_ENTITY =
  /&(?:#(\d{1,7})(?:;|(?!\d))|#x([0-9a-f]{1,6})(?:;|(?![0-9a-f]))|([a-z][a-z0-9]{1,15});|(nbsp|ensp|emsp|thinsp|ndash|mdash)(?![a-z]))/gi;
/** A tag or a comment, which shows as nothing or as a break between what it parts. */
const HTML_TAG = /<\/?[a-z][^<>]{0,60}>|<!--[^]{0,60}?-->/gi;
const MARKUP = /[&<%]/;

/**
 * `text` as a reader sees it when it is markup or a URL pasted as text: percent escapes
 * decoded (`4111%201111…`), HTML's entities too (`&nbsp;`, `&#8201;`, `&ndash;`, a digit as
 * `&#52;`) and its tags read as spaces (`4111<br>1111…`). Others stay as they are.
 */
function decodedMarkup(text: string): string {
  let decoded = decodedFully(text, (escaped) => escaped.replace(ESCAPES, plainEscapes));
  // Twice: `&amp;nbsp;` is a space escaped twice.
  for (let round = 0; round < 2 && decoded.includes('&'); round++) {
    const next = decoded.replace(HTML_ENTITY, decodedEntity);
    if (next === decoded) break;
    decoded = next;
  }
  return decoded.replace(HTML_TAG, ' ');
}

function decodedEntity(
  entity: string,
  decimal?: string,
  hex?: string,
  name?: string,
  bare?: string,
): string {
  if (bare !== undefined) return HTML_NAMED[bare.toLowerCase()];
  if (name !== undefined) {
    const lower = name.toLowerCase();
    return lower === 'amp' ? '&' : (HTML_NAMED[lower] ?? entity);
  }
  const code = decimal !== undefined ? Number(decimal) : parseInt(hex!, 16);
  if (code <= 0 || code > 0x10ffff || (code >= 0xd800 && code <= 0xdfff)) return entity;
  const char = String.fromCodePoint(code);
  return NOT_DECODED.test(char) ? entity : char;
}

/**
 * What escaped text is not decoded into: control characters, line and paragraph separators,
 * the characters that turn text around (bidirectional overrides), and what would make markup
 * of it (`&#60;` and `%3C` are `<`). Such escapes stay as sent.
 */
const NOT_DECODED = /[\p{Cc}<>"'&\u2028\u2029\u202A-\u202E\u2066-\u2069]/u;

const ESCAPES = /(?:%[0-9a-f]{2})+/gi;

/** A run of percent escapes decoded, or as sent when it decodes to nothing plain. */
function plainEscapes(run: string): string {
  try {
    const decoded = decodeURIComponent(run);
    return NOT_DECODED.test(decoded) ? run : decoded;
  } catch {
    return run;
  }
}

/**
 * `redact(text)`, or, where `text` holds characters that show as nothing (or as others do) and
 * masking the text as it shows masks more, that: an invisible character inside a group
 * (`4111\u200B1111…`) or a name (`c\u200Bvv: 123`) hides nothing from a reader. The text then
 * comes out as shown, without them. Markup and percent escapes are read as shown likewise
 * (`decodedMarkup`).
 */
function asShown(text: string, redact: (text: string) => string): string {
  const masked = asShownUnspaced(text, redact);
  // `4111&nbsp;1111&nbsp;…` shows as a card in groups: where masking it so masks more, so.
  if (text.length > MAX_TEXT || !MARKUP.test(text) || !MAY_BE_DIGIT.test(text)) return masked;
  const decoded = decodedMarkup(masked);
  if (decoded === masked) return masked;
  searched += decoded.length;
  const again = asShownUnspaced(decoded, redact);
  return again === decoded ? masked : again;
}

function asShownUnspaced(text: string, redact: (text: string) => string): string {
  const redacted = redact(text);
  if (text.length > MAX_TEXT || !HIDDEN.test(text)) return redacted;
  // What was masked as sent stays masked: the shown form of that is masked again, as removing
  // an invisible separator may join two groups of a card masked as sent.
  const shown = asShownText(redacted);
  searched += shown.length;
  const again = redact(shown);
  return again === shown ? redacted : again;
}

/**
 * Without what shows as nothing, before NFKC (`c\u0301vv` would compose into `ćvv`) and after
 * it (a spacing accent, `c´vv`, becomes a space and a combining mark).
 */
function asShownText(text: string): string {
  return text.replace(INVISIBLE, '').normalize('NFKC').replace(INVISIBLE, '');
}

function redactRuns(source: string, cutAtEnd: boolean): string {
  return asShown(source, (text) => redactVisibleRuns(text, cutAtEnd));
}

function redactVisibleRuns(source: string, cutAtEnd: boolean): string {
  // Most strings are titles, descriptions and log messages with no long run of digits.
  if ((source.length < 12 && !cutAtEnd) || !MAY_BE_DIGIT.test(source)) return source;
  // No one writes a string this long by hand: its digits are masked, all of them, at once.
  if (source.length > MAX_TEXT) return starDigits(source);
  // Split, rather than one regex for a whole run: a run of millions of groups would overflow
  // the regex engine's stack.
  const parts = source.split(AROUND_DIGITS);
  let changed = false;
  let first = 1;
  while (first < parts.length) {
    let last = first;
    while (
      last + 2 < parts.length &&
      shortSeparator(parts[last + 1]) &&
      !LETTER.test(parts[last + 1])
    ) {
      last += 2;
    }
    const tail = parts[last + 1];
    const touchesCut =
      cutAtEnd && last + 2 === parts.length && shortSeparator(tail) && !LETTER.test(tail);
    if (touchesCut || (last - first) / 2 + 1 > MAX_RUN_GROUPS || hasLongGroup(parts, first, last)) {
      for (let k = first; k <= last; k += 2) parts[k] = '*'.repeat([...parts[k]].length);
      changed = true;
      first = last + 2;
      continue;
    }
    const originals: string[] = [];
    const separators: string[] = [];
    for (let k = first; k <= last; k += 2) {
      originals.push(parts[k]);
      if (k < last) separators.push(parts[k + 1]);
    }
    const groups = originals.map(asciiDigits);
    const digits = groups.join('');
    if (digits.length >= 12 && panWithin(digits, true)) {
      const masked = maskRun(originals, groups, separators);
      // The marks on a masked card's last digit (a keycap's frame) would sit on a `*`.
      const unmarked = (g: number, after: string) =>
        masked[g] === originals[g] ? after : after.replace(TRAILING_MARKS, '');
      for (let k = first, g = 0; k <= last; k += 2, g += 1) {
        parts[k] = masked[g];
        if (k < last) parts[k + 1] = unmarked(g, separators[g]);
      }
      if (last + 1 < parts.length) parts[last + 1] = unmarked(masked.length - 1, parts[last + 1]);
      changed = true;
    }
    first = last + 2;
  }
  return changed ? parts.join('') : source;
}

const TRAILING_MARKS = /^[\p{Mn}\p{Me}]+/u;

let bmpDigits: Uint8Array | undefined;

/** Every digit of `text` as `*`, in one pass over its UTF-16 units (a regex takes seconds on megabytes). */
function starDigits(text: string): string {
  if (!bmpDigits) {
    bmpDigits = new Uint8Array(0x10000);
    const digit = new RegExp(`^${DIGIT}$`, 'u');
    for (let code = 0; code < 0x10000; code++) {
      if (code < 0xd800 || code > 0xdfff)
        bmpDigits[code] = digit.test(String.fromCharCode(code)) ? 1 : 0;
    }
  }
  const units = Buffer.from(text, 'utf16le');
  let astral = false;
  for (let i = 0; i < units.length; i += 2) {
    const code = units[i] | (units[i + 1] << 8);
    if (bmpDigits[code] === 1) {
      units[i] = 0x2a;
      units[i + 1] = 0;
    } else if (code >= 0xd800 && code <= 0xdbff) {
      astral = true;
    }
  }
  const starred = units.toString('utf16le');
  return astral ? starred.replace(ANY_DIGIT, '*') : starred;
}

function hasLongGroup(parts: string[], first: number, last: number): boolean {
  for (let k = first; k <= last; k += 2) if (parts[k].length > MAX_GROUP_DIGITS) return true;
  return false;
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

/** Whether the leading digits of `digits`, 12 to 19 of them, are of a card's issuer and length. */
function issuedPrefix(digits: string): boolean {
  for (let length = 12; length <= 19 && length <= digits.length; length++) {
    // A rare length of 16 or more (a national scheme's) is beyond a double's precision: no
    // number of it is exact, nor anything else but a card.
    if (issuedLength(digits.slice(0, length), length, length >= 16)) return true;
  }
  return false;
}

/**
 * A JSON number that holds a card number's digits, as a masked string; others as they are.
 * What is read: an integer's digits, a fraction's whole part, a tiny number's mantissa.
 * Numbers of 13 digits, epoch-ms times until the year 2286, are never taken for cards; nor are
 * the fraction digits of a number from 0.000001 to 1 (coordinates, ratios). A number is only as
 * exact as a double: a card written with a fraction or more digits after it (`…933.99`) reaches
 * the gateway rounded, its check digit changed. So a number of 12 digits or more that starts as
 * a card of that length or less would is masked whole, and so is a tiny one of 12 significant
 * digits.
 */
export function maskCardNumber(value: number): number | string {
  if (!Number.isFinite(value)) return value;
  const abs = Math.abs(value);
  if (abs < 1e11 && (abs >= 1e-6 || abs === 0)) return value;
  const digits = decimalDigits(abs);
  if (digits.length < 12 || (abs >= 1e11 && digits.length === 13)) return value;
  const masked = maskGroup(digits);
  if (masked !== digits) return masked;
  return (abs >= 1e11 ? issuedPrefix(digits) : true) ? '*'.repeat(digits.length) : value;
}

/** Words that may come between a code's name and the code: `cvv on the back is 123`. */
const FILLER =
  'on|the|back|of|for|this|that|my|your|its|it|card|is|was|are|here|at|in|please|use|reads?|says?|digits?|three|four|and|will|be|printed';

/**
 * A security code written beside its name, as a comment or a POS's error text may quote one:
 * `csc: 123`, `"cvv" : "1234"`, `cvvNumber=123`, `security code is 123`. A bare 3–4 digit
 * number cannot be told from any other, so only a named one is removed.
 */
const NAMED_CSC = new RegExp(
  `(${acronym('cvv')}2?|${acronym('cvc')}2?|${acronym('csc')}|${acronym('ccv')}|` +
    `${acronym('cvn')}|${acronym('cv')}2|${acronym('cid')}|` +
    `${spelled('sec')}(?:${spelled('urity')})?[\\s_.-]{0,3}(?:${spelled('code')}|${spelled('number')})|` +
    `${spelled('card')}[\\s_.-]{0,3}(?:${spelled('code')}|${spelled('verification')}` +
    `(?:[\\s_.-]{0,3}(?:${spelled('value')}|${spelled('code')}|${spelled('number')}))?)|` +
    `${spelled('verification')}[\\s_.-]{0,3}(?:${spelled('value')}|${spelled('code')})|` +
    `c[oó]digo[\\s_.-]{1,3}de[\\s_.-]{1,3}(?:seguridad|seguran[cç]a)|sicherheitscode|` +
    `(?:karten)?pr(?:ü|ue|u)fnummer|cryptogramme|codice[\\s_.-]{1,3}di[\\s_.-]{1,3}sicurezza)` +
    `((?:[\\s_-]{0,3}(?:code|number|num|nr|no|value|val)){0,2}` +
    `(?:[^0-9A-Za-z]{1,6}(?:${FILLER})(?![A-Za-z])){0,6}` +
    `(?:[^0-9A-Za-z]|</?[A-Za-z]{1,6}>){0,10}(?:(?:is|was|=>)[^0-9A-Za-z]{0,4})?)` +
    `(${DIGIT}(?:[\\s./-]?${DIGIT}){2,3})(?!${DIGIT})`,
  'giu',
);

/**
 * A card holder's id written beside its name (`holder id: 031234567`, `cardholder ID number
 * 12345678`): 5 to 15 digits, in groups or not, as national ids are written.
 */
const NAMED_HOLDER_ID = new RegExp(
  `((?:(?<![A-Za-z])${spelled('card')}[\\s_.-]{0,3}|(?<![A-Za-z]))${spelled('holder')}(?:'s)?[\\s_.-]{0,3}` +
    `(?:${spelled('id')}|${spelled('national')}[\\s_.-]{0,3}${spelled('id')})` +
    `(?:[\\s_.-]{0,3}(?:number|num|nr|no))?)` +
    `((?:[^0-9A-Za-z]){0,10}(?:(?:is|was|=>)[^0-9A-Za-z]{0,4})?)` +
    `(${DIGIT}(?:[\\s./-]?${DIGIT}){4,14})(?!${DIGIT})`,
  'giu',
);

/**
 * `redactText`, and named security codes and holder ids removed: for text a person or a POS
 * wrote.
 */
export function redactCardText(text: string): string {
  return redactCardRuns(String(text), false);
}

/**
 * `redactCardText` for the head of a longer text, cut at its end (`maxChars` of it kept, say):
 * a run of digits the cut touches, part of a card or of a named security code, is masked whole.
 */
export function redactCardHead(head: string): string {
  return redactCardRuns(String(head), true);
}

/** Printable ASCII with no space, and no digits on both sides of a separator. */
const PLAIN_ID = /^[\x21-\x7e]*$/;
const DIGITS_APART = /[0-9][^0-9A-Za-z]+[0-9]/;

/**
 * Whether an id may be kept as it is without a search: printable ASCII with no space, whose
 * digits are not in groups. Wix's ids are long digit strings that pass Luhn one time in ten, as
 * ids with a prefix may be (`PLU-4532015112830366`): a card is told from them only when written
 * as people write cards, in groups, beside spaces, or in other digits.
 */
export function isPlainId(value: string): boolean {
  return PLAIN_ID.test(value) && !DIGITS_APART.test(value);
}

/** Characters of text with digits that `redactCardText` has searched, all told. */
let searched = 0;

/**
 * How many characters of text with digits `redactCardText` has searched since the process
 * started: what a caller that bounds the search counts by. Text with no digit costs a glance.
 */
export function searchedChars(): number {
  return searched;
}

function redactCardRuns(source: string, cutAtEnd: boolean): string {
  if (!MAY_BE_DIGIT.test(source)) return source;
  // Past MAX_TEXT a string's digits are starred without a search.
  searched += Math.min(source.length, MAX_TEXT);
  const redact = (text: string) => {
    const redacted = redactVisibleRuns(text, cutAtEnd);
    // Past MAX_TEXT no digit is left for a named code.
    if (text.length > MAX_TEXT) return redacted;
    return redacted
      .replace(NAMED_CSC, namedCscRemoved)
      .replace(
        NAMED_HOLDER_ID,
        (_match, name: string, between: string) => `${name}${between}[redacted]`,
      );
  };
  return asShown(source, redact);
}

const LETTER_OR_DIGIT = /[\p{L}\p{N}]/u;

/**
 * A named security code's digits replaced, unless its name is `cid` ending a longer word
 * ("Placid 2024", "ACID 123"); other names glued to a word (`cardCvv: 123`, `mycvv=123`) are
 * still names.
 */
function namedCscRemoved(
  match: string,
  name: string,
  between: string,
  _digits: string,
  offset: number,
  text: string,
): string {
  const before = text[offset - 1];
  const glued = before !== undefined && LETTER_OR_DIGIT.test(before);
  if (glued && latinLookalikes(name.toLowerCase()).replace(/[.\s]/g, '') === 'cid') return match;
  return `${name}${between}[redacted]`;
}
