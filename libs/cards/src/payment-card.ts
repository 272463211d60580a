import type { PaymentCard } from '@wix-pos-gateway/pos-sdk';

type Fields = Record<string, unknown>;

function isRecord(value: unknown): value is Fields {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function typeName(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'array';
  return typeof value;
}

function present(value: unknown): boolean {
  return value !== undefined && value !== null;
}

function toInteger(value: unknown): number | undefined {
  if (typeof value === 'number') return Number.isInteger(value) ? value : undefined;
  if (typeof value === 'string' && /^\d{1,4}$/.test(value.trim())) return Number(value.trim());
  return undefined;
}

/**
 * Top-level fields win; `additionalFields` fills what the top level lacks. Numbers are accepted
 * for fields that are often numeric (holder id, postal code, csc) and kept as their digits.
 */
function optionalText(
  name: string,
  top: unknown,
  nested: unknown,
): { value?: string; problem?: string } {
  const [value, where] = present(top)
    ? [top, name]
    : present(nested)
      ? [nested, `additionalFields.${name}`]
      : [undefined, name];
  if (value === undefined || value === null) return {};
  if (typeof value === 'number' && Number.isInteger(value) && value >= 0) {
    return { value: String(value) };
  }
  if (typeof value !== 'string')
    return { problem: `${where} is not a string (got ${typeName(value)})` };
  const trimmed = value.trim();
  return trimmed === '' ? {} : { value: trimmed };
}

/**
 * Accepts the nested shape (`expiration: {year, month}`, `additionalFields`) and the older flat one
 * (`expireMonth`, `expireYear`). A problem names the field and the kind of value found, never the
 * value: a misplaced PAN or security code must not end up in a log through it.
 */
export function normalizeCard(raw: unknown): PaymentCard | string {
  if (!isRecord(raw)) return `card is not an object (got ${typeName(raw)})`;

  if (!present(raw.number)) return 'number is missing';
  if (typeof raw.number !== 'string') return `number is not a string (got ${typeName(raw.number)})`;
  const number = raw.number.trim().replace(/[\s-]/g, '');
  if (number === '') return 'number is empty';
  if (!/^\d+$/.test(number)) return 'number is not a string of digits';

  let monthRaw: unknown;
  let yearRaw: unknown;
  let monthField: string;
  let yearField: string;
  if (present(raw.expiration)) {
    if (!isRecord(raw.expiration)) {
      return `expiration is not an object (got ${typeName(raw.expiration)})`;
    }
    monthRaw = raw.expiration.month;
    yearRaw = raw.expiration.year;
    monthField = 'expiration.month';
    yearField = 'expiration.year';
  } else if (present(raw.expireMonth) || present(raw.expireYear)) {
    monthRaw = raw.expireMonth;
    yearRaw = raw.expireYear;
    monthField = 'expireMonth';
    yearField = 'expireYear';
  } else {
    return 'expiration is missing (neither expiration {year, month} nor expireMonth/expireYear)';
  }
  const expireMonth = toInteger(monthRaw);
  if (expireMonth === undefined) {
    return present(monthRaw)
      ? `${monthField} is not an integer (got ${typeName(monthRaw)})`
      : `${monthField} is missing`;
  }
  const year = toInteger(yearRaw);
  if (year === undefined) {
    return present(yearRaw)
      ? `${yearField} is not an integer (got ${typeName(yearRaw)})`
      : `${yearField} is missing`;
  }
  const expireYear = year >= 0 && year < 100 ? 2000 + year : year;

  if (present(raw.additionalFields) && !isRecord(raw.additionalFields)) {
    return `additionalFields is not an object (got ${typeName(raw.additionalFields)})`;
  }
  const extra: Fields = isRecord(raw.additionalFields) ? raw.additionalFields : {};

  const card: PaymentCard = { number, expireMonth, expireYear };
  const optional = [
    'csc',
    'holderName',
    'holderId',
    'billingAddress',
    'billingPostalCode',
  ] as const;
  for (const name of optional) {
    const { value, problem } = optionalText(name, raw[name], extra[name]);
    if (problem !== undefined) return problem;
    if (value !== undefined) card[name] = value;
  }
  // The top-level code wins, but a second one beside it must still be a security code.
  if (present(raw.csc) && present(extra.csc) && !/^\d{3,4}$/.test(String(extra.csc).trim())) {
    return 'additionalFields.csc is not 3 or 4 digits';
  }
  return card;
}
