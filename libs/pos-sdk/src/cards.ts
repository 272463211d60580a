/** A card from the webhook's `cards`, in one shape whichever of the two Wix sent. */
export interface PaymentCard {
  number: string;
  expireMonth: number;
  /** Four digits: a two-digit year is taken as 20xx. */
  expireYear: number;
  csc?: string;
  holderName?: string;
  holderId?: string;
  billingAddress?: string;
  billingPostalCode?: string;
}

export type CardNetwork = 'visa' | 'mastercard' | 'amex' | 'discover' | 'unknown';

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

/**
 * PCI-DSS allows at most the first six and last four digits in clear. Below 13 digits that would
 * leave two or fewer digits hidden, so only the last four are shown.
 */
export function maskPan(pan: string): string {
  const digits = String(pan).replace(/\D/g, '');
  if (digits.length <= 4) return '*'.repeat(digits.length);
  if (digits.length < 13) return '*'.repeat(digits.length - 4) + digits.slice(-4);
  return digits.slice(0, 6) + '*'.repeat(digits.length - 10) + digits.slice(-4);
}

export interface CardSummary {
  network: CardNetwork;
  /** null when the PAN is too short for the first six to be shown (see maskPan). */
  first6: string | null;
  last4: string;
  expireMonth: number;
  expireYear: number;
}

/** What may be shown or stored about a card: no holder data, no security code. */
export function cardSummary(card: PaymentCard): CardSummary {
  const digits = card.number.replace(/\D/g, '');
  return {
    network: cardNetwork(digits),
    first6: digits.length >= 13 ? digits.slice(0, 6) : null,
    last4: digits.length > 4 ? digits.slice(-4) : '',
    expireMonth: card.expireMonth,
    expireYear: card.expireYear,
  };
}
