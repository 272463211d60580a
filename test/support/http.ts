import { request } from 'node:http';
import { connect } from 'node:net';
import { once } from 'node:events';

export interface Answer {
  status: number;
  body: {
    value?: { orderId: string };
    error?: { code: string; description: string };
  };
  ms: number;
  /** The answer's headers, when it came over HTTP. */
  headers?: Headers;
}

/** POSTs to the webhook; `body` is JSON-encoded unless it is already a string or a Buffer. */
export async function postOrder(
  gatewayUrl: string,
  brand: string,
  body: unknown,
  headers: Record<string, string> = { 'content-type': 'application/json' },
): Promise<Answer> {
  const started = performance.now();
  const res = await fetch(`${gatewayUrl}/webhooks/wix/${brand}`, {
    method: 'POST',
    headers,
    body: typeof body === 'string' || Buffer.isBuffer(body) ? body : JSON.stringify(body),
  });
  const text = await res.text();
  const ms = performance.now() - started;
  return { status: res.status, body: JSON.parse(text) as Answer['body'], ms, headers: res.headers };
}

export function percentile(values: number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)] ?? NaN;
}

/** What the server did with a POST whose body was announced but never sent. */
export type EarlyAnswer =
  | { answered: true; status: number; body: Answer['body']; connection?: string; closed: boolean }
  | { answered: false };

/**
 * Sends only the headers of a POST announcing a body of `bodyBytes`, and waits up to `waitMs`
 * for an answer: a server that answers has decided without reading the body. `closed` says
 * whether it then closed the connection rather than wait for the body.
 */
export function answerBeforeBody(
  url: string,
  headers: Record<string, string>,
  bodyBytes: number,
  waitMs: number,
): Promise<EarlyAnswer> {
  return new Promise((resolve, reject) => {
    const req = request(url, {
      method: 'POST',
      headers: { ...headers, 'content-length': String(bodyBytes) },
    });
    const timer = setTimeout(() => {
      req.destroy();
      resolve({ answered: false });
    }, waitMs);
    req.on('error', () => undefined);
    req.on('response', (res) => {
      clearTimeout(timer);
      let text = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => (text += chunk));
      res.on('error', reject);
      res.on('end', () => {
        const closed = new Promise<boolean>((done) => {
          if (req.socket?.destroyed) return done(true);
          req.socket?.once('close', () => done(true));
          setTimeout(() => done(false), 2_000).unref();
        });
        void closed.then((isClosed) => {
          req.destroy();
          resolve({
            answered: true,
            status: res.statusCode ?? 0,
            body: JSON.parse(text) as Answer['body'],
            connection: res.headers.connection,
            closed: isClosed,
          });
        });
      });
    });
    req.flushHeaders();
  });
}

/** What a server wrote back to bytes sent as they are, until it closed or `waitMs` passed. */
export interface RawAnswer {
  status?: number;
  body?: Answer['body'];
  closed: boolean;
  ms: number;
  /** All that came back: every response, when requests were pipelined. */
  text: string;
}

/** A response head's `Content-Length`, if it has one. */
function contentLength(head: string): number | undefined {
  const length = /^content-length:\s*(\d+)/im.exec(head)?.[1];
  return length === undefined ? undefined : Number(length);
}

/** Writes `text` to the server of `url` on a fresh connection and reads what comes back. */
export function rawExchange(url: string, text: string, waitMs: number): Promise<RawAnswer> {
  const { hostname, port } = new URL(url);
  return new Promise((resolve) => {
    const started = performance.now();
    const socket = connect(Number(port), hostname, () => socket.write(text));
    let received = '';
    const done = (closed: boolean) => {
      clearTimeout(timer);
      socket.destroy();
      const [head = '', ...rest] = received.split('\r\n\r\n');
      // The first response's body: a pipelined response may follow it.
      const length = contentLength(head);
      const after = Buffer.from(rest.join('\r\n\r\n'));
      const body = (length === undefined ? after : after.subarray(0, length)).toString();
      const status = /^HTTP\/1\.1 (\d{3})/.exec(head)?.[1];
      resolve({
        status: status === undefined ? undefined : Number(status),
        body: body ? (JSON.parse(body) as Answer['body']) : undefined,
        closed,
        ms: performance.now() - started,
        text: received,
      });
    };
    const timer = setTimeout(() => done(false), waitMs);
    socket.setEncoding('utf8');
    socket.on('data', (chunk: string) => (received += chunk));
    socket.on('error', () => undefined);
    socket.on('close', () => done(true));
  });
}

/** One kept-alive connection to the server of `url`: each exchange writes a request and reads one response. */
export async function keptAliveConnection(url: string) {
  const { hostname, port } = new URL(url);
  const socket = connect(Number(port), hostname);
  await once(socket, 'connect');
  let received = Buffer.alloc(0);
  let closed = false;
  let wake = () => undefined as void;
  socket.on('data', (chunk: Buffer) => {
    received = Buffer.concat([received, chunk]);
    wake();
  });
  socket.on('error', () => undefined);
  socket.on('close', () => {
    closed = true;
    wake();
  });
  /** The next whole response (head and body by content-length); rejects if the server closes first. */
  const next = async (): Promise<{ head: string; body: string }> => {
    for (;;) {
      const end = received.indexOf('\r\n\r\n');
      if (end >= 0) {
        const head = received.subarray(0, end).toString();
        const length = contentLength(head) ?? 0;
        if (received.length >= end + 4 + length) {
          const body = received.subarray(end + 4, end + 4 + length).toString();
          received = received.subarray(end + 4 + length);
          return { head, body };
        }
      }
      if (closed) throw new Error('the server closed the connection');
      await new Promise<void>((resolve) => (wake = resolve));
    }
  };
  return {
    /** Writes `request` and reads its response; rejects after `waitMs`, the connection closed. */
    async exchange(request: string, waitMs = 15_000) {
      if (!closed) socket.write(request);
      let timer: NodeJS.Timeout | undefined;
      const late = new Promise<never>((_, reject) => {
        timer = setTimeout(() => {
          socket.destroy();
          reject(new Error(`no response within ${waitMs} ms`));
        }, waitMs);
      });
      try {
        return await Promise.race([next(), late]);
      } finally {
        clearTimeout(timer);
      }
    },
    close: () => socket.destroy(),
  };
}
