import { ConformanceHarness, PosMode } from '@wix-pos-gateway/pos-sdk';
import { IncomingMessage, Server, ServerResponse, createServer } from 'node:http';
import { AddressInfo } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';

interface Ticket {
  number: string;
  reference: string;
  voided: boolean;
}

/**
 * A stand-in for Acme POS Cloud, for the conformance kit: tickets keyed by idempotency key,
 * SKUs starting with an upper-case letter known, and the kit's modes. A slow ticket is made
 * after the delay even if the caller has gone, as a real POS does; a void that comes first
 * leaves a tombstone, so the ticket is made already voided.
 */
export default function acmeHarness(): ConformanceHarness {
  const tickets = new Map<string, Ticket>();
  const voidedEarly = new Set<string>();
  const pending = new Set<Promise<unknown>>();
  let mode: PosMode = { mode: 'normal' };
  let server: Server | undefined;
  let port = 0;

  const create = async (key: string, body: { reference: string }): Promise<[number, unknown]> => {
    if (mode.mode === 'slow') await sleep(mode.delayMs);
    if (mode.mode === 'failing') return [400, { error: 'store closed' }];
    const ticket = tickets.get(key) ?? {
      number: `A-${tickets.size + 1}`,
      reference: body.reference,
      voided: voidedEarly.has(key),
    };
    tickets.set(key, ticket);
    return [201, { ticket }];
  };

  const route = async (req: IncomingMessage, text: string): Promise<[number, unknown]> => {
    const key = String(req.headers['idempotency-key']);
    if (req.url === '/v2/status') return [mode.mode === 'failing' ? 503 : 200, {}];
    if (req.method === 'POST' && req.url?.endsWith('/void')) {
      const ticket = tickets.get(key);
      if (ticket) ticket.voided = true;
      else voidedEarly.add(key);
      return [ticket ? 200 : 404, {}];
    }
    const body = JSON.parse(text) as { reference: string; items: Array<{ sku: string }> };
    const unknown = body.items.map((item) => item.sku).filter((sku) => !/^[A-Z]/.test(sku));
    if (unknown.length > 0) return [422, { skus: unknown }];
    const work = create(key, body);
    pending.add(work);
    return work.finally(() => pending.delete(work));
  };

  const handle = (req: IncomingMessage, res: ServerResponse) => {
    let text = '';
    req.on('data', (chunk: Buffer) => (text += chunk.toString()));
    req.on('end', () => {
      void route(req, text).then(([status, body]) => {
        if (!res.destroyed) res.writeHead(status).end(JSON.stringify(body));
      });
    });
  };

  const listen = async () => {
    server = createServer(handle);
    await new Promise<void>((resolve) => server?.listen(port, '127.0.0.1', resolve));
    port = (server.address() as AddressInfo).port;
  };
  const close = async () => {
    server?.closeAllConnections();
    await new Promise((resolve) => server?.close(resolve));
    server = undefined;
  };

  return {
    async start() {
      await listen();
      return { ACME_API_URL: `http://127.0.0.1:${port}`, ACME_API_KEY: 'conformance' };
    },
    async setMode(next) {
      mode = next;
      if (next.mode === 'down' && server) await close();
      if (next.mode !== 'down' && !server) await listen();
    },
    async liveOrders(wixOrderId) {
      await Promise.all(pending);
      return [...tickets.values()].filter((t) => t.reference === wixOrderId && !t.voided).length;
    },
    async stop() {
      await close();
    },
  };
}
