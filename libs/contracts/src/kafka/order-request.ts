/**
 * What a worker's order handler receives: the SPI body exactly as Wix sent it, minus `cards`
 * (which travel sealed, apart),
 * and the metadata that travelled in Kafka headers.
 */
export interface SubmitOrder {
  brand: string;
  /** What the gateway had left to answer when it sent the request, in ms. */
  budgetMs: number;
  /** `performance.now()` of the receiving process when the request arrived: the budget runs from then. */
  arrivedAt: number;
  /** Epoch ms: when the gateway received the webhook call. */
  receivedAt: number;
  correlationId: string;
  body: unknown;
  /** The `cards` Wix sent, sealed (JSON of a `SealedCards`): opened only to pay. */
  sealedCards?: string;
}

/** What the sealed cards of an order are bound to: they open only for this brand's order. */
export function cardSealingContext(brand: string, wixOrderId: string): string {
  return `${brand}\n${wixOrderId}`;
}

/** The Wix order id of an order message: its body as a string or buffer, or already parsed. */
export function wixOrderIdOf(body: unknown): string | undefined {
  let parsed = body;
  if (typeof body === 'string' || Buffer.isBuffer(body)) {
    try {
      parsed = JSON.parse(body.toString());
    } catch {
      return undefined;
    }
  }
  const id = (parsed as { order?: { id?: unknown } } | null | undefined)?.order?.id;
  return typeof id === 'string' ? id : undefined;
}
