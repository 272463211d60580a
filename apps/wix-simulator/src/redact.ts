import type { SpiRequest } from './wix-json';

/** A card number as PCI-DSS allows it shown: first six and last four digits. */
export function maskPan(pan: string): string {
  if (pan.length < 13) return '*'.repeat(pan.length);
  return `${pan.slice(0, 6)}${'*'.repeat(pan.length - 10)}${pan.slice(-4)}`;
}

/**
 * Masks the card numbers the request carried wherever they appear in `text`, so that an
 * answer echoing a card never makes the simulator print it.
 */
export function redactCards(text: string, request: SpiRequest): string {
  let redacted = text;
  for (const card of Object.values(request.cards ?? {})) {
    if (typeof card.number === 'string' && card.number.length > 0) {
      redacted = redacted.split(card.number).join(maskPan(card.number));
    }
  }
  return redacted;
}
