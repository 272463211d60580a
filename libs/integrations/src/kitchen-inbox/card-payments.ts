import { PaymentCard, PosOrder } from '@wix-pos-gateway/pos-sdk';

export interface CardPayment {
  index: number;
  token: string;
  amount: number;
  card: PaymentCard;
}

interface CreditPayment {
  type?: unknown;
  amount?: unknown;
  cardToken?: { token?: unknown };
}

/** The order's `credit` payments whose cards Wix sent for the POS to clear. */
export function cardPaymentsOf(order: PosOrder): CardPayment[] {
  const payments: unknown = order.wixOrder.payments;
  if (!Array.isArray(payments) || !order.cards) return [];
  const cards = order.cards;
  return (payments as CreditPayment[]).flatMap((payment, index) => {
    const token = payment.cardToken?.token;
    if (payment.type !== 'credit' || typeof token !== 'string' || !cards[token]) return [];
    const amount = typeof payment.amount === 'number' ? payment.amount : 0;
    return [{ index, token, amount, card: cards[token] }];
  });
}
