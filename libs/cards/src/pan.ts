export type CardNetwork = 'visa' | 'mastercard' | 'amex' | 'discover' | 'unknown';

/** The Luhn (mod 10) check digit test; false for anything that is not a non-empty run of digits. */
export function luhnValid(digits: string): boolean {
  if (typeof digits !== 'string' || !/^\d+$/.test(digits)) return false;
  let sum = 0;
  let double = false;
  for (let i = digits.length - 1; i >= 0; i--) {
    let d = digits.charCodeAt(i) - 48;
    if (double) {
      d *= 2;
      if (d > 9) d -= 9;
    }
    sum += d;
    double = !double;
  }
  return sum % 10 === 0;
}

/**
 * The card network from the issuer prefix alone: length and check digit are checkCards' business,
 * so a summary of a card that failed them still says what it looked like.
 */
export function cardNetwork(pan: string): CardNetwork {
  const digits = typeof pan === 'string' ? pan.replace(/[\s-]/g, '') : '';
  if (!/^\d+$/.test(digits)) return 'unknown';
  const p2 = Number(digits.slice(0, 2));
  const p3 = Number(digits.slice(0, 3));
  const p4 = Number(digits.slice(0, 4));
  const p6 = Number(digits.slice(0, 6));
  if (digits.startsWith('4')) return 'visa';
  if (p2 === 34 || p2 === 37) return 'amex';
  if ((p2 >= 51 && p2 <= 55) || (digits.length >= 4 && p4 >= 2221 && p4 <= 2720)) {
    return 'mastercard';
  }
  if (
    p4 === 6011 ||
    p2 === 65 ||
    (digits.length >= 3 && p3 >= 644 && p3 <= 649) ||
    (digits.length >= 6 && p6 >= 622126 && p6 <= 622925)
  ) {
    return 'discover';
  }
  return 'unknown';
}
