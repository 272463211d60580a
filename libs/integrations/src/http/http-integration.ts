/**
 * The `http` reference integration: a POS reached over a small JSON API.
 *
 * - `POST {POS_HTTP_URL}/orders` submits an order, with an `idempotency-key` header;
 * - `DELETE {POS_HTTP_URL}/orders/{idempotencyKey}` voids one (404: there is none, also fine),
 *   and must leave a tombstone: a later `POST` with that key is refused (any 4xx) or makes the
 *   order voided, since the void may overtake its create;
 * - `GET {POS_HTTP_URL}/health` answers 2xx while the POS takes orders.
 *
 * Variables: `POS_HTTP_URL` (required), `POS_HTTP_TIMEOUT_MS` (5000, 100–60000), `POS_HTTP_TOKEN`
 * (optional, sent as `Authorization: Bearer …`).
 *
 * How `POST /orders` answers become results:
 *
 * | POS answer                                          | result                                     |
 * | --------------------------------------------------- | ------------------------------------------ |
 * | 2xx, or 409 (duplicate), with `{"orderId": "…"}`    | `{ posOrderId }`                           |
 * | 2xx or 409 without a non-empty string `orderId`     | `PosError`, not retryable                  |
 * | 422 with `{"unknownItems": ["<posItemId>", …]}`     | `UnknownItemsError(unknownItems)`          |
 * | 422 without that list                               | `PosError`, not retryable                  |
 * | 402                                                 | `CardDeclinedError` (the body's `message`) |
 * | 408, 429, 502, 503, 504                             | `PosUnavailableError` (retryable)          |
 * | any other 4xx or 3xx (redirects are not followed)   | `PosError`, not retryable                  |
 * | 500 and any other 5xx                               | `PosError`, retryable                      |
 * | no answer within `POS_HTTP_TIMEOUT_MS`              | `PosUnavailableError` "did not answer …"   |
 * | the worker's deadline (`context.signal`) aborts     | `PosUnavailableError` "abandoned …"        |
 * | connection refused or reset, DNS failure            | `PosUnavailableError` "unreachable: CODE"  |
 *
 * `orderMayExist` (the worker then voids the order through `cancelOrder`) is set on a timeout, an
 * abandoned call, a connection lost after it was opened, and on every 5xx, which may come after
 * the POS took the order; a refused connection or a DNS failure means the request never left.
 *
 * Cards (when Wix sent them) go only to an `https://` POS or one on this host: a plain `http://`
 * POS elsewhere gets the order refused with `PosError`.
 *
 * Error messages hold the HTTP status and at most the POS's own short (≤ 200 characters)
 * `message` or `error` field: never the request, the token or a card.
 */
import {
  definePosIntegration,
  PosError,
  PosUnavailableError,
  type PosIntegrationFactory,
  type PosOrder,
} from '@wix-pos-gateway/pos-sdk';
import { describe, submittedOrder } from './http-answers';
import { callPos } from './http-call';
import { readHttpPosConfig } from './http-config';

export const httpIntegration: PosIntegrationFactory = definePosIntegration(({ env }) => {
  const config = readHttpPosConfig(env);
  return {
    async submitOrder(order, { signal, log }) {
      if (order.cards && !safeForCards(config.POS_HTTP_URL)) {
        throw new PosError('card data goes only to an https:// POS (or one on this host)');
      }
      const { idempotencyKey } = order;
      const body = orderBody(order);
      const answer = await callPos(config, {
        method: 'POST',
        path: '/orders',
        idempotencyKey,
        body,
        signal,
      });
      const submitted = submittedOrder(answer);
      if (answer.status === 409) log.info('pos.duplicate', { idempotencyKey, ...submitted });
      return submitted;
    },

    async cancelOrder({ idempotencyKey }, { signal }) {
      const path = `/orders/${encodeURIComponent(idempotencyKey)}`;
      const { status, body } = await callPos(config, {
        method: 'DELETE',
        path,
        idempotencyKey,
        signal,
      });
      if ((status >= 200 && status < 300) || status === 404) return;
      throw new PosUnavailableError(`the POS did not void the order: ${describe(status, body)}`);
    },

    async checkHealth({ signal }) {
      const { status, body } = await callPos(config, { method: 'GET', path: '/health', signal });
      if (status >= 200 && status < 300) return;
      throw new PosUnavailableError(`the POS is not healthy: ${describe(status, body)}`);
    },
  };
});

/** Card data crosses a network only inside TLS (PCI-DSS 4.2.1); a loopback POS is this host. */
function safeForCards(url: string): boolean {
  const { protocol, hostname } = new URL(url);
  return protocol === 'https:' || ['127.0.0.1', 'localhost', '[::1]'].includes(hostname);
}

/** The JSON the POS receives; `cards` only when Wix sent cards. */
function orderBody(order: PosOrder): Record<string, unknown> {
  const { idempotencyKey, brand, restaurantId, wixOrderId, lines, wixOrder, cards } = order;
  return {
    idempotencyKey,
    brand,
    restaurantId,
    wixOrderId,
    lines,
    wixOrder,
    receivedAt: order.receivedAt.toISOString(),
    ...(cards === undefined ? {} : { cards }),
  };
}

export default httpIntegration;
