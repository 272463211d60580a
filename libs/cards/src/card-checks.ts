import { maskPan, type PaymentCard } from '@wix-pos-gateway/pos-sdk';
import { luhnValid } from './pan';
import { normalizeCard } from './payment-card';
import { redactCardText } from './card-text';

export { luhnValid } from './pan';

export type CardCheck =
  { ok: true; cards: Record<string, PaymentCard> } | { ok: false; problems: string[] };

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function pad2(n: number): string {
  return String(n).padStart(2, '0');
}

/**
 * Problems about one card; the PAN appears at most masked, the security code never, and a bad
 * expiry not at all (a card number sent in its place would be quoted whole).
 */
function cardProblems(card: PaymentCard, now: Date): string[] {
  const problems: string[] = [];
  const pan = card.number;
  if (pan.length < 12 || pan.length > 19) {
    problems.push(`number has ${pan.length} digits, expected 12–19`);
  } else if (!luhnValid(pan)) {
    problems.push(`number ${maskPan(pan)} fails the Luhn check`);
  }
  const monthOk = card.expireMonth >= 1 && card.expireMonth <= 12;
  const yearOk = card.expireYear >= 1000 && card.expireYear <= 9999;
  if (!monthOk) problems.push('expiration month is not 1–12');
  if (!yearOk) problems.push('expiration year is not 4 digits');
  if (card.csc !== undefined && !/^\d{3,4}$/.test(card.csc)) {
    problems.push('security code is not 3 or 4 digits');
  }
  if (monthOk && yearOk) {
    const nowYear = now.getUTCFullYear();
    const nowMonth = now.getUTCMonth() + 1;
    if (card.expireYear < nowYear || (card.expireYear === nowYear && card.expireMonth < nowMonth)) {
      problems.push(`expired ${pad2(card.expireMonth)}/${card.expireYear}`);
    }
  }
  return problems;
}

/** UTC−12, the last time zone a month ends in. */
const LAST_ZONE_MS = 12 * 3_600_000;

/**
 * When a card's expiry is judged, as a UTC date whose month is the card's last good one or
 * not: the order's `created` time when it has one before `now`, so that every delivery of one
 * order is judged alike (a retry in the next month of an order taken in this one gets the
 * same answer, not `cc_rejected`); else `now`. Twelve hours back from either: a card is good
 * through the last day of its month in every time zone. A card a client makes pass with an
 * old `created` goes on to the processor, which declines it.
 */
function expiryJudgedAt(created: unknown, now: Date): Date {
  const at =
    typeof created === 'number' && Number.isFinite(created) && created < now.getTime()
      ? created
      : now.getTime();
  return new Date(at - LAST_ZONE_MS);
}

/** Cards one order may carry, and how long a token may be: far past what Wix sends. */
const MAX_CARDS = 20;
const MAX_TOKEN_CHARS = 256;
/** Problems listed at most: the rest are not looked for. */
const MAX_PROBLEMS = 20;

/**
 * Checks the webhook's `cards` against its order's payments: every card well formed, unexpired
 * and Luhn-valid, every credit payment's card token present, with an amount, in the order's
 * currency. A client may have put a card number where a token belongs: tokens are shown, and
 * the cards returned keyed, masked (as the order that goes on carries them), so that neither a
 * description nor the ledger's keys hold one.
 */
export function checkCards(
  cards: unknown,
  order: { payments?: unknown; currency?: unknown; created?: unknown },
  now: Date,
): CardCheck {
  const asOf = expiryJudgedAt(order.created, now);
  const problems: string[] = [];
  const entries: [string, PaymentCard][] = [];
  const absent = cards === undefined || cards === null;
  // Tokens are searched for card numbers to be shown: a flood of them, or long ones, would hold
  // the gateway's thread, so past these bounds the cards are refused unsearched.
  const full = () => problems.length >= MAX_PROBLEMS;
  const tooLong = (token: string) =>
    token.length > MAX_TOKEN_CHARS
      ? `a card token of ${token.length} characters (at most ${MAX_TOKEN_CHARS})`
      : undefined;

  if (!absent && !isRecord(cards)) {
    problems.push('cards is not an object of card token → card');
  } else if (!absent && Object.keys(cards).length > MAX_CARDS) {
    problems.push(`cards holds ${Object.keys(cards).length} cards (at most ${MAX_CARDS})`);
  } else if (!absent) {
    for (const [token, raw] of Object.entries(cards)) {
      if (full()) break;
      const long = tooLong(token);
      if (long) {
        problems.push(long);
        continue;
      }
      const shown = redactCardText(token); // as maskOrder masks the payment's token
      const card = normalizeCard(raw);
      if (typeof card === 'string') {
        problems.push(`card ${shown}: ${card}`);
        continue;
      }
      const found = cardProblems(card, asOf);
      for (const problem of found) problems.push(`card ${shown}: ${problem}`);
      if (found.length === 0 && entries.some(([other]) => other === shown)) {
        problems.push(`card ${shown}: another card's token reads the same once masked`);
      } else if (found.length === 0) {
        entries.push([shown, card]);
      }
    }
  }

  const known = isRecord(cards) ? cards : {};
  const { payments, currency } = order;
  const list: unknown[] = Array.isArray(payments) ? payments : [];
  list.forEach((payment, index) => {
    if (full() || !isRecord(payment) || payment.type !== 'credit') return;
    const { cardToken } = payment;
    if (cardToken === undefined || cardToken === null) return;
    if (!isRecord(cardToken)) {
      problems.push(`payment ${index}: cardToken is not an object`);
      return;
    }
    if (typeof cardToken.token !== 'string') {
      problems.push(`payment ${index}: cardToken.token is not a string`);
      return;
    }
    const long = tooLong(cardToken.token);
    if (long) {
      problems.push(`payment ${index}: ${long}`);
      return;
    }
    if (!Object.hasOwn(known, cardToken.token)) {
      problems.push(
        `payment ${index}: card token ${JSON.stringify(redactCardText(cardToken.token))} is not in cards`,
      );
    }
    // The POS charges the card what the payment says: without an amount, nothing.
    if (payment.amount === undefined || payment.amount === null) {
      problems.push(`payment ${index}: a card payment without an amount`);
    }
    // Nor, without the order's currency, in what: an amount alone is no charge.
    if (typeof currency !== 'string' || currency === '') {
      problems.push(`payment ${index}: a card payment in an order without a currency`);
    }
  });

  if (full()) problems.push('and maybe more');
  if (problems.length > 0) return { ok: false, problems };
  // fromEntries defines own properties, so a "__proto__" token stays an ordinary key.
  return { ok: true, cards: Object.fromEntries(entries) };
}
