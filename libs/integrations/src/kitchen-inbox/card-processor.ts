import {
  CardDeclinedError,
  CardSummary,
  PaymentCard,
  PosUnavailableError,
  SqlDatabase,
  cardSummary,
} from '@wix-pos-gateway/pos-sdk';
import { createHash } from 'node:crypto';

export interface Authorization {
  idempotencyKey: string;
  brand: string;
  wixOrderId: string;
  amount: number;
  currency: string;
  card: PaymentCard;
}

/** Clears the card payments of the `kitchen-inbox` integration's orders. */
export interface CardProcessor {
  /** The authorization id; throws `CardDeclinedError`, or `PosUnavailableError` on an outage. */
  authorize(request: Authorization): Promise<string>;
}

/**
 * Documented test cards of the `test` processor (any other valid card is approved). The same
 * idempotency key always gets the first answer: a payment is authorized at most once.
 */
export const TEST_CARDS: Readonly<Record<string, 'declined' | 'insufficient funds' | 'outage'>> = {
  '4000000000000002': 'declined',
  '4000000000009995': 'insufficient funds',
  '4000000000000119': 'outage',
};

/**
 * A deterministic processor for tests and demos. It keeps what PCI-DSS lets it keep —
 * network, first 6 / last 4, expiry — in `card_authorizations`, never the PAN or the CSC.
 */
export class TestCardProcessor implements CardProcessor {
  constructor(private readonly pool: SqlDatabase) {}

  async authorize(request: Authorization): Promise<string> {
    const verdict = TEST_CARDS[request.card.number];
    if (verdict === 'outage') throw new PosUnavailableError('the card processor is unavailable');
    const approved = verdict === undefined;
    const summary: CardSummary = cardSummary(request.card);
    const { rows } = await this.pool.query<{ outcome: string; authorization_id: string | null }>(
      `INSERT INTO card_authorizations (idempotency_key, brand, wix_order_id, amount, currency,
                                        card, outcome, authorization_id)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8)
       ON CONFLICT (idempotency_key)
         DO UPDATE SET requests = card_authorizations.requests + 1
       RETURNING outcome, authorization_id`,
      [
        request.idempotencyKey,
        request.brand,
        request.wixOrderId,
        request.amount,
        request.currency,
        JSON.stringify(summary),
        approved ? 'approved' : verdict,
        approved ? authorizationId(request.idempotencyKey) : null,
      ],
    );
    const { outcome, authorization_id: id } = rows[0];
    if (outcome !== 'approved' || !id) throw new CardDeclinedError(`the card was ${outcome}`);
    return id;
  }
}

function authorizationId(idempotencyKey: string): string {
  return `AUTH-${createHash('sha256').update(idempotencyKey).digest('hex').slice(0, 12)}`;
}
