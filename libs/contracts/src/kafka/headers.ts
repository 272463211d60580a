/** Kafka headers of an order request and its reply. */
export const OrderHeader = {
  /** Pairs a reply with its request; unique per HTTP request. */
  CorrelationId: 'pos-correlation-id',
  /** The topic the reply must go to. */
  ReplyTopic: 'pos-reply-topic',
  /**
   * Milliseconds the gateway had left to answer when it sent the request. A worker measures
   * it from the request's arrival on its own monotonic clock: no two machines' clocks are
   * compared (docs/order-protocol.md, "Budgets, not clocks").
   */
  Budget: 'pos-budget-ms',
  /** Epoch milliseconds when the gateway received the HTTP request. */
  ReceivedAt: 'pos-received-at',
  /** The order's `cards`, sealed by the gateway (JSON of a `SealedCards`); absent without cards. */
  SealedCards: 'pos-sealed-cards',
} as const;

export type OrderHeader = (typeof OrderHeader)[keyof typeof OrderHeader];
