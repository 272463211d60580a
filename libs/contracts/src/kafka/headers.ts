/** Kafka headers of an order request and its reply. */
export const OrderHeader = {
  /** Pairs a reply with its request; unique per HTTP request. */
  CorrelationId: 'pos-correlation-id',
  /** The topic the reply must go to. */
  ReplyTopic: 'pos-reply-topic',
  /** Epoch milliseconds after which the gateway has answered `endpoint_down`; never start later. */
  Deadline: 'pos-deadline',
  /** Epoch milliseconds when the gateway received the HTTP request. */
  ReceivedAt: 'pos-received-at',
  /** The order's `cards`, sealed by the gateway (JSON of a `SealedCards`); absent without cards. */
  SealedCards: 'pos-sealed-cards',
  /**
   * On a message of its own to a brand's order topic, the Wix order id to void: the gateway
   * answered Wix `endpoint_down`, then the worker's acceptance arrived too late.
   */
  Void: 'pos-void',
} as const;

export type OrderHeader = (typeof OrderHeader)[keyof typeof OrderHeader];
