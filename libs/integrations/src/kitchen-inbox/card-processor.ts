import {
  CardDeclinedError,
  CardSummary,
  PaymentCard,
  PosError,
  PosUnavailableError,
  SqlDatabase,
  cardSummary,
} from '@wix-pos-gateway/pos-sdk';
import { createHash } from 'node:crypto';

export interface Authorization {
  /** The payment's own key: `<attempt key>:payment-<n>`. */
  idempotencyKey: string;
  /** The key of the order's attempt at the POS (`PosOrder.idempotencyKey`). */
  attemptKey: string;
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
  /**
   * Voids what was authorized under the attempt's key. `final`: the attempt's order is voided
   * for good, and an authorization that comes later under its key is refused; otherwise a retry
   * under the key may authorize again.
   */
  voidAuthorizations(attempt: { brand: string; attemptKey: string }, final: boolean): Promise<void>;
}

/**
 * Documented test cards of the `test` processor (any other valid card is approved). The same
 * idempotency key always gets the first answer, so a payment is authorized at most once; a
 * voided one is authorized again by a retry under its key, unless its attempt was voided for
 * good.
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
    const { rows } = await this.pool.query<{ auth_outcome: string; auth_id: string | null }>(
      'SELECT auth_outcome, auth_id FROM card_authorize($1, $2, $3, $4, $5, $6, $7, $8, $9)',
      [
        request.idempotencyKey,
        request.attemptKey,
        request.brand,
        request.wixOrderId,
        request.amount,
        request.currency,
        JSON.stringify(summary),
        approved ? 'approved' : verdict,
        approved ? authorizationId(request.idempotencyKey) : null,
      ],
    );
    const { auth_outcome: outcome, auth_id: id } = rows[0];
    if (outcome === 'voided') {
      throw new PosError('the order was voided before its card payment was authorized');
    }
    if (outcome !== 'approved' || !id) throw new CardDeclinedError(`the card was ${outcome}`);
    return id;
  }

  async voidAuthorizations(
    { brand, attemptKey }: { brand: string; attemptKey: string },
    final: boolean,
  ): Promise<void> {
    await this.pool.query('SELECT card_void($1, $2, $3)', [brand, attemptKey, final]);
  }
}

function authorizationId(idempotencyKey: string): string {
  return `AUTH-${createHash('sha256').update(idempotencyKey).digest('hex').slice(0, 12)}`;
}
