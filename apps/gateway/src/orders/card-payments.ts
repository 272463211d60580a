import { Injectable } from '@nestjs/common';
import { CardKeyring, checkCards } from '@wix-pos-gateway/cards';
import { SpiFailure, WixOrderRequest, cardSealingContext } from '@wix-pos-gateway/contracts';
import { GatewayConfig } from '../config';
import { GatewayAnswer } from './answer-rules';

/**
 * Card data in the gateway: checked, then sealed (AES-256-GCM, bound to the brand and the
 * Wix order) before anything goes to Kafka. Only a worker holding the key opens it, to pay.
 */
@Injectable()
export class CardPayments {
  private readonly keyring?: CardKeyring;

  constructor(config: GatewayConfig) {
    this.keyring = config.cards.keyring;
  }

  /**
   * The sealed cards of an order (none without `cards`), or why the payment is refused. A
   * gateway that takes cards checks every order: a `credit` payment whose card is missing, as
   * when `cards` is left out, would reach a POS that clears cards with nothing to charge.
   */
  seal(
    brand: string,
    request: WixOrderRequest & { cards?: unknown },
  ): SpiFailure | { sealed?: string } {
    if (!this.keyring) return request.cards === undefined ? {} : GatewayAnswer.cardsNotTaken();
    const checked = checkCards(request.cards, request.order, new Date());
    if (!checked.ok) return GatewayAnswer.cardsRefused(checked.problems);
    if (request.cards === undefined) return {};
    const sealed = this.keyring.seal(checked.cards, cardSealingContext(brand, request.order.id));
    return { sealed: JSON.stringify(sealed) };
  }
}
