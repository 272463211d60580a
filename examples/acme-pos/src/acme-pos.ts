import {
  PosError,
  PosOrder,
  PosOrderLine,
  PosUnavailableError,
  UnknownItemsError,
  definePosIntegration,
  readIntegrationConfig,
  text,
  url,
} from '@wix-pos-gateway/pos-sdk';

/** Acme POS Cloud: tickets, with modifiers nested like Wix variation choices. */
interface AcmeItem {
  sku: string;
  qty: number;
  modifiers: AcmeItem[];
}

const toAcme = (line: PosOrderLine): AcmeItem => ({
  sku: line.posItemId,
  qty: line.count,
  modifiers: line.choices.flat().map(toAcme),
});

export default definePosIntegration(({ env }) => {
  const config = readIntegrationConfig(env, {
    ACME_API_URL: url(),
    ACME_API_KEY: text({ default: '' }),
  });
  const baseUrl = config.ACME_API_URL;
  const headers = (key: string) => ({
    'content-type': 'application/json',
    'idempotency-key': key,
    'x-api-key': config.ACME_API_KEY,
  });
  const tickets = (order: { restaurantId: string }) =>
    `${baseUrl}/v2/stores/${encodeURIComponent(order.restaurantId)}/tickets`;

  async function call(url: string, init: RequestInit): Promise<Response> {
    try {
      return await fetch(url, init);
    } catch (error) {
      // Refused: Acme never saw it. Sent but unanswered: it may have the ticket, so it is voided.
      const refused = (error as { cause?: { code?: string } }).cause?.code === 'ECONNREFUSED';
      throw new PosUnavailableError(`Acme did not answer: ${String(error)}`, {
        orderMayExist: !refused,
      });
    }
  }

  return {
    async submitOrder(order: PosOrder, { signal }) {
      const response = await call(tickets(order), {
        method: 'POST',
        headers: headers(order.idempotencyKey),
        body: JSON.stringify({ reference: order.wixOrderId, items: order.lines.map(toAcme) }),
        signal,
      });
      const answer = (await response.json().catch(() => ({}))) as {
        ticket?: { number?: unknown };
        skus?: string[];
      };
      if (response.ok && typeof answer.ticket?.number === 'string') {
        return { posOrderId: answer.ticket.number };
      }
      if (response.status === 422) throw new UnknownItemsError(answer.skus ?? []);
      if (response.status === 429 || response.status >= 500) {
        // A 5xx may come after Acme made the ticket: the worker then voids it.
        throw new PosUnavailableError(`Acme answered ${response.status}`, {
          orderMayExist: response.status >= 500,
        });
      }
      throw new PosError(`Acme refused the ticket: ${response.status}`);
    },

    async cancelOrder(order, { signal }) {
      const url = `${tickets(order)}/by-key/${encodeURIComponent(order.idempotencyKey)}/void`;
      const response = await call(url, {
        method: 'POST',
        headers: headers(order.idempotencyKey),
        signal,
      });
      if (!response.ok && response.status !== 404) {
        throw new PosUnavailableError(`Acme could not void: ${response.status}`);
      }
    },

    async checkHealth({ signal }) {
      const response = await call(`${baseUrl}/v2/status`, { signal });
      if (!response.ok) throw new PosUnavailableError(`Acme status ${response.status}`);
    },
  };
});
