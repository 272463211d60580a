/**
 * What a worker's order handler receives: the SPI body exactly as Wix sent it, minus `cards`,
 * and the metadata that travelled in Kafka headers.
 */
export interface SubmitOrder {
  brand: string;
  /** Epoch ms: the gateway has answered `endpoint_down` by then. */
  deadline: number;
  /** Epoch ms: when the gateway received the webhook call. */
  receivedAt: number;
  correlationId: string;
  body: unknown;
}
