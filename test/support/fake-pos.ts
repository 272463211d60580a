import {
  createServer,
  type IncomingHttpHeaders,
  type IncomingMessage,
  type Server,
  type ServerResponse,
} from 'node:http';
import type { AddressInfo } from 'node:net';

/**
 * A POS on 127.0.0.1 speaking the API of the `http` integration:
 *
 * - `POST /orders` (needs an `idempotency-key` header) → 201 `{orderId}`; 409 `{orderId, duplicate}`
 *   when a live order has that key; 422 `{unknownItems}` for a `posItemId` not in `knownItems`
 *   (lines and choices at any depth); 402 when `declineCards` is set and the body has `cards`.
 * - `DELETE /orders/:key` → voids the key's orders: 200 `{orderId, voided}`, 404 if it has none.
 *   Either way it leaves a tombstone: a POST that arrived before the DELETE and is still being
 *   processed (slow mode) creates its order voided, and a POST with that key that arrives after
 *   the DELETE is refused, 410 (void before create).
 * - `GET /health` → 200, or 503 in the `failing` and `unavailable` modes.
 *
 * Modes: `slow` creates an order only `slowMs` after its POST arrived, and answers then, even to
 * a client that has gone (as a real POS does); `failing` answers POSTs 500, and `refusing` 400,
 * both with the health check 503; `unavailable` answers everything 503. `stop()` closes the port (connections are refused) and `start(port)` opens the
 * same one again.
 */
export type FakePosMode = 'normal' | 'slow' | 'failing' | 'refusing' | 'unavailable';

export interface FakePosOrder {
  orderId: string;
  idempotencyKey: string;
  restaurantId: string;
  wixOrderId: string;
  lines: unknown;
  voided: boolean;
  body: Record<string, unknown>;
}

export interface FakePosOptions {
  mode?: FakePosMode;
  slowMs?: number;
  knownItems?: Set<string>;
  declineCards?: boolean;
}

interface Answer {
  status: number;
  body?: unknown;
}

export class FakePos {
  mode: FakePosMode;
  slowMs: number;
  knownItems?: Set<string>;
  declineCards: boolean;
  readonly orders: FakePosOrder[] = [];
  /** Requests received, per HTTP method. */
  readonly requests: Record<string, number> = { GET: 0, POST: 0, DELETE: 0 };
  /** Headers and parsed body of the last `POST /orders`. */
  lastHeaders?: IncomingHttpHeaders;
  lastBody?: unknown;

  private server?: Server;
  private listeningPort?: number;
  private duplicateCount = 0;
  private nextOrderId = 1;
  private sequence = 0;
  private readonly voidedAt = new Map<string, number>();
  private readonly scripted: Answer[] = [];
  private readonly waits = new Map<NodeJS.Timeout, () => void>();
  private readonly handling = new Set<Promise<void>>();

  constructor(options: FakePosOptions = {}) {
    this.mode = options.mode ?? 'normal';
    this.slowMs = options.slowMs ?? 10_000;
    this.knownItems = options.knownItems;
    this.declineCards = options.declineCards ?? false;
  }

  /** Listens on 127.0.0.1; resolves to the base URL, e.g. `http://127.0.0.1:41234`. */
  async start(port = 0): Promise<string> {
    if (this.server) throw new Error('the fake POS is already started');
    const server = createServer((req, res) => this.track(this.handle(req, res)));
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen({ port, host: '127.0.0.1' }, () => {
        server.off('error', reject);
        resolve();
      });
    });
    this.server = server;
    this.listeningPort = (server.address() as AddressInfo).port;
    return this.url;
  }

  /**
   * Closes the port and every connection. Orders still being processed in slow mode are created
   * later anyway, unless `discard` drops them.
   */
  async stop({ discard = false }: { discard?: boolean } = {}): Promise<void> {
    for (const [timer, release] of this.waits) {
      if (discard) {
        clearTimeout(timer);
        release();
      } else timer.unref();
    }
    if (discard) this.waits.clear();
    const server = this.server;
    this.server = undefined;
    if (!server) return;
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }

  get url(): string {
    return `http://127.0.0.1:${this.port}`;
  }

  /** The port of the last `start()`: still known after `stop()`, to start on it again. */
  get port(): number {
    if (this.listeningPort === undefined) throw new Error('the fake POS was never started');
    return this.listeningPort;
  }

  get duplicates(): number {
    return this.duplicateCount;
  }

  /** Orders not voided, optionally only those with this idempotency key. */
  liveOrders(idempotencyKey?: string): FakePosOrder[] {
    return this.orders.filter(
      (order) =>
        !order.voided && (idempotencyKey === undefined || order.idempotencyKey === idempotencyKey),
    );
  }

  /** The next `POST /orders` gets this answer, whatever the mode; calls queue up. */
  answerNext(status: number, body?: unknown): void {
    this.scripted.push({ status, body });
  }

  /** Resolves once every request received so far is answered (slow orders created). */
  async settled(): Promise<void> {
    while (this.handling.size > 0) await Promise.all([...this.handling]);
  }

  /** Forgets orders, counts, tombstones and scripted answers; keeps mode and settings. */
  reset(): void {
    this.orders.length = 0;
    for (const method of Object.keys(this.requests)) this.requests[method] = 0;
    this.lastHeaders = undefined;
    this.lastBody = undefined;
    this.duplicateCount = 0;
    this.voidedAt.clear();
    this.scripted.length = 0;
  }

  private track(handling: Promise<void>): void {
    this.handling.add(handling);
    void handling.finally(() => this.handling.delete(handling));
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const method = req.method ?? 'GET';
    this.requests[method] = (this.requests[method] ?? 0) + 1;
    try {
      const text = await readText(req);
      send(res, await this.answer(method, req, text));
    } catch (error) {
      send(res, { status: 500, body: { message: `fake POS: ${String(error)}` } });
    }
  }

  private async answer(method: string, req: IncomingMessage, text: string): Promise<Answer> {
    const path = new URL(req.url ?? '/', 'http://fake-pos').pathname;
    if (this.mode === 'unavailable') return { status: 503, body: { message: 'POS unavailable' } };
    if (method === 'GET' && path === '/health') {
      const unhealthy = this.mode === 'failing' || this.mode === 'refusing';
      return unhealthy ? { status: 503, body: { ok: false } } : { status: 200 };
    }
    if (method === 'POST' && path === '/orders') return this.post(req, text);
    const key = /^\/orders\/([^/]+)$/.exec(path)?.[1];
    if (method === 'DELETE' && key !== undefined) return this.void(decodeURIComponent(key));
    return { status: 404, body: { message: `no route ${method} ${path}` } };
  }

  private async post(req: IncomingMessage, text: string): Promise<Answer> {
    const sequence = ++this.sequence;
    this.lastHeaders = req.headers;
    const body = parseObject(text);
    this.lastBody = body;
    const scripted = this.scripted.shift();
    if (scripted) return scripted;
    if (this.mode === 'failing')
      return { status: 500, body: { message: 'kitchen printer jammed' } };
    if (this.mode === 'refusing')
      return { status: 400, body: { message: 'the kitchen is closed' } };
    const key = req.headers['idempotency-key'];
    if (typeof key !== 'string' || key === '') {
      return { status: 400, body: { message: 'the idempotency-key header is required' } };
    }
    if (!body) return { status: 400, body: { message: 'the body must be a JSON object' } };
    if (this.mode === 'slow' && !(await this.wait())) return { status: 503 };
    return this.create(key, body, sequence);
  }

  private create(key: string, body: Record<string, unknown>, sequence: number): Answer {
    const voidedAt = this.voidedAt.get(key) ?? 0;
    if (voidedAt > 0 && voidedAt < sequence) {
      return { status: 410, body: { message: 'the order was voided before it arrived' } };
    }
    const [live] = this.liveOrders(key);
    if (live) {
      this.duplicateCount += 1;
      return { status: 409, body: { orderId: live.orderId, duplicate: true } };
    }
    const unknownItems = this.unknownItems(body.lines);
    if (unknownItems.length > 0) return { status: 422, body: { unknownItems } };
    if (this.declineCards && body.cards !== undefined) {
      return { status: 402, body: { message: 'card declined' } };
    }
    const orderId = `P-${this.nextOrderId++}`;
    this.orders.push({
      orderId,
      idempotencyKey: key,
      restaurantId: String(body.restaurantId),
      wixOrderId: String(body.wixOrderId),
      lines: body.lines,
      voided: voidedAt > sequence,
      body,
    });
    return { status: 201, body: { orderId } };
  }

  private void(key: string): Answer {
    this.voidedAt.set(key, ++this.sequence);
    const orders = this.orders.filter((order) => order.idempotencyKey === key);
    for (const order of orders) order.voided = true;
    const [first] = orders;
    return first
      ? { status: 200, body: { orderId: first.orderId, voided: true } }
      : { status: 404, body: { message: 'no such order' } };
  }

  private unknownItems(lines: unknown): string[] {
    const known = this.knownItems;
    if (!known) return [];
    return [...new Set(posItemIds(lines))].filter((id) => !known.has(id));
  }

  /** Waits `slowMs`; false when `stop({ discard: true })` dropped the wait. */
  private wait(): Promise<boolean> {
    return new Promise((resolve) => {
      const timer = setTimeout(() => {
        this.waits.delete(timer);
        resolve(true);
      }, this.slowMs);
      this.waits.set(timer, () => resolve(false));
    });
  }
}

/** Every `posItemId` of the lines and of their choices, at any depth. */
function posItemIds(lines: unknown): string[] {
  if (!Array.isArray(lines)) return [];
  return lines.flatMap((line: { posItemId?: unknown; choices?: unknown }) => [
    ...(typeof line?.posItemId === 'string' ? [line.posItemId] : []),
    ...(Array.isArray(line?.choices) ? line.choices.flatMap(posItemIds) : []),
  ]);
}

async function readText(req: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

function parseObject(text: string): Record<string, unknown> | undefined {
  try {
    const value = JSON.parse(text) as unknown;
    return typeof value === 'object' && value !== null && !Array.isArray(value)
      ? (value as Record<string, unknown>)
      : undefined;
  } catch {
    return undefined;
  }
}

/** Answers, unless the client or `stop()` already closed the connection. */
function send(res: ServerResponse, { status, body }: Answer): void {
  if (res.headersSent || res.destroyed || res.socket?.destroyed) return;
  const text = body === undefined ? '' : JSON.stringify(body);
  res.writeHead(status, { 'content-type': 'application/json' });
  res.end(text);
}
