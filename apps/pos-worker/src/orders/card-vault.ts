import { Injectable } from '@nestjs/common';
import { CardKeyring, CardSummary, PaymentCard, cardSummary } from '@wix-pos-gateway/cards';
import { cardSealingContext } from '@wix-pos-gateway/contracts';
import { WorkerConfig } from '../config';
import { InvalidOrder } from './order-errors';

/** Opens the cards the gateway sealed, in memory, for the payment step; nothing else sees them. */
@Injectable()
export class CardVault {
  private readonly keyring?: CardKeyring;

  constructor(config: WorkerConfig) {
    this.keyring = config.cards.keyring;
  }

  open(brand: string, wixOrderId: string, sealed: string | undefined) {
    if (sealed === undefined) return undefined;
    if (!this.keyring) {
      throw new InvalidOrder('this worker cannot open card data: CARD_KEYS is not set');
    }
    try {
      const envelope: unknown = JSON.parse(sealed);
      return this.keyring.open(envelope, cardSealingContext(brand, wixOrderId)) as Record<
        string,
        PaymentCard
      >;
    } catch (error) {
      const reason = error instanceof SyntaxError ? 'not JSON' : (error as Error).message;
      throw new InvalidOrder(`the card data cannot be opened: ${reason}`);
    }
  }
}

/** What the ledger may keep of an order's cards. */
export function summarize(cards: Record<string, PaymentCard>): Record<string, CardSummary> {
  return Object.fromEntries(
    Object.entries(cards).map(([token, card]) => [token, cardSummary(card)]),
  );
}
