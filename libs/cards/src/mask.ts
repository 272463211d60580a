import { CardNetwork, cardNetwork } from './pan';
import type { PaymentCard } from './payment-card';

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
