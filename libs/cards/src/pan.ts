/** The Luhn (mod 10) check digit test; false for anything that is not a non-empty run of digits. */
export function luhnValid(digits: string): boolean {
  if (typeof digits !== 'string' || !/^\d+$/.test(digits)) return false;
  return luhnAt(digits, 0, digits.length);
}

/** The Luhn check of `digits` from `start` to `end`, ASCII digits only, unchecked. */
export function luhnAt(digits: string, start: number, end: number): boolean {
  let sum = 0;
  let double = false;
  for (let i = end - 1; i >= start; i--) {
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
