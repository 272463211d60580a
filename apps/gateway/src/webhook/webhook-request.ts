import type { Request } from 'express';

/** An Express request after `WebhookBodyMiddleware`. */
export interface WebhookRequest extends Request {
  /** Epoch ms when the request arrived, for logs. */
  receivedAt: number;
  /** `performance.now()` when the request arrived: the order's time budget starts here. */
  arrivedAt: number;
  /** The body's bytes as received, forwarded as they are when nothing must be removed. */
  rawBody?: Buffer;
}
