import { Socket, createConnection } from 'node:net';
import { performance } from 'node:perf_hooks';
import { setTimeout as sleep } from 'node:timers/promises';

/**
 * How a request ended: `accepted`, an SPI error code, `http_<status>`, `timeout` (15 s), or
 * `network <code>` (the connection failed).
 */
export type Outcome = string;

export interface Answer {
  outcome: Outcome;
  /** Why an `endpoint_down` was answered, in a word (see `reasonOf`). */
  reason?: string;
  /** Milliseconds: from the scheduled send time (open loop) or the send (closed loop). */
  ms: number;
}

export interface LoadRun {
  /** Requests sent, and how long the run took from first send to last answer, in seconds. */
  sent: number;
  seconds: number;
  answers: Answer[];
}

const REQUEST_TIMEOUT_MS = 15_000;
/** Node's servers close a connection idle for 5 s: one idle for 4 s is not used again. */
const IDLE_MS = 4_000;
const HEAD_END = Buffer.from('\r\n\r\n');

/**
 * An HTTP/1.1 client with kept-alive connections, one per request in flight. It writes
 * requests prepared before the clock starts and reads of each answer only its status, its
 * length (`content-length`, chunks, or up to the close) and its body: it shares the machine
 * with what it measures, so the less CPU it spends, the less it takes from the stack (Node's
 * `http` client spent about 1 ms of CPU an order here).
 */
export class Target {
  private readonly idle: Connection[] = [];
  private readonly connections = new Set<Connection>();
  private readonly host: string;
  private readonly port: number;
  private readonly head: string;

  constructor(readonly url: string) {
    const { hostname, port, pathname, search, host } = new URL(url);
    this.host = hostname;
    this.port = Number(port || 80);
    this.head = `POST ${pathname}${search} HTTP/1.1\r\nHost: ${host}\r\nContent-Type: application/json\r\n`;
  }

  /** A request's bytes: the head and the body, ready to write. */
  prepare(body: string): Buffer {
    const payload = Buffer.from(body);
    const head = `${this.head}Content-Length: ${payload.length}\r\n\r\n`;
    return Buffer.concat([Buffer.from(head, 'latin1'), payload]);
  }

  /** The outcome, and for `endpoint_down` the reason the description gives. */
  send(request: Buffer): Promise<Omit<Answer, 'ms'>> {
    const used = this.reusable() ?? this.connect();
    return used.exchange(request).then(({ answer, reusable }) => {
      if (reusable) this.idle.push(used);
      return answer;
    });
  }

  close(): void {
    for (const connection of this.connections) connection.destroy();
    this.connections.clear();
    this.idle.length = 0;
  }

  /** The connection last back, unless the server has closed it or may be closing it now. */
  private reusable(): Connection | undefined {
    for (let connection = this.idle.pop(); connection; connection = this.idle.pop()) {
      if (connection.usable(performance.now() - IDLE_MS)) return connection;
      connection.destroy();
    }
    return undefined;
  }

  private connect(): Connection {
    const socket = createConnection({ host: this.host, port: this.port });
    const connection = new Connection(socket, () => this.connections.delete(connection));
    this.connections.add(connection);
    return connection;
  }
}

interface Exchange {
  answer: Omit<Answer, 'ms'>;
  /** Whether the connection may carry another request. */
  reusable: boolean;
}

/** One kept-alive connection: a request at a time, never pipelined. */
class Connection {
  private ended = false;
  private received: Buffer = Buffer.alloc(0);
  private waiting?: (exchange: Exchange) => void;
  private timer?: NodeJS.Timeout;
  /** `performance.now()` when its last answer was in. */
  private idleSince = performance.now();

  constructor(
    private readonly socket: Socket,
    onClose: () => void,
  ) {
    socket.setNoDelay(true);
    socket.on('data', (chunk: Buffer) => {
      this.received = this.received.length ? Buffer.concat([this.received, chunk]) : chunk;
      this.read();
    });
    socket.on('error', (error: NodeJS.ErrnoException) =>
      this.finish({ outcome: `network ${error.code ?? ''}`.trim() }, false),
    );
    // The server is done writing: an answer without a length ends here, and nothing more is
    // sent on this connection.
    socket.on('end', () => {
      this.ended = true;
      this.read();
    });
    socket.on('close', () => {
      this.ended = true;
      onClose();
      this.finish({ outcome: 'network ECONNRESET' }, false);
    });
  }

  /** Whether a request may go on it: still open both ways, and idle since `since` at most. */
  usable(since: number): boolean {
    return !this.ended && this.socket.writable && this.idleSince >= since;
  }

  exchange(request: Buffer): Promise<Exchange> {
    return new Promise((resolve) => {
      this.waiting = resolve;
      this.received = Buffer.alloc(0);
      this.timer = setTimeout(() => this.finish({ outcome: 'timeout' }, false), REQUEST_TIMEOUT_MS);
      this.socket.write(request);
    });
  }

  destroy(): void {
    this.socket.destroy();
  }

  private read(): void {
    if (!this.waiting) return;
    const headEnd = this.received.indexOf(HEAD_END);
    if (headEnd < 0) return;
    const head = this.received.toString('latin1', 0, headEnd);
    const body = bodyOf(head, this.received.subarray(headEnd + HEAD_END.length), this.ended);
    if (body === 'broken') {
      this.finish({ outcome: 'network EPROTO' }, false);
    } else if (body) {
      const status = Number(head.slice(9, 12));
      this.finish(outcomeOf(status, body), !/\r\nconnection: *close/i.test(head));
    }
  }

  private finish(answer: Omit<Answer, 'ms'>, reusable: boolean): void {
    const waiting = this.waiting;
    if (!waiting) return;
    this.waiting = undefined;
    clearTimeout(this.timer);
    this.idleSince = performance.now();
    const kept = reusable && !this.ended;
    if (!kept) this.socket.destroy();
    waiting({ answer, reusable: kept });
  }
}

/**
 * An answer's body once all of it is in: by `content-length`, by chunks, or (with neither)
 * everything up to the server's close. `undefined` while more is to come.
 */
function bodyOf(head: string, rest: Buffer, ended: boolean): Buffer | 'broken' | undefined {
  const length = /\r\ncontent-length: *(\d+)/i.exec(head)?.[1];
  if (length !== undefined) {
    return rest.length >= Number(length) ? rest.subarray(0, Number(length)) : undefined;
  }
  if (!/\r\ntransfer-encoding: *chunked/i.test(head)) return ended ? rest : undefined;
  const chunks: Buffer[] = [];
  let at = 0;
  for (;;) {
    const lineEnd = rest.indexOf('\r\n', at);
    if (lineEnd < 0) return undefined;
    const size = parseInt(rest.toString('latin1', at, lineEnd), 16);
    if (Number.isNaN(size)) return 'broken';
    const start = lineEnd + 2;
    if (rest.length < start + size + 2) return undefined;
    if (size === 0) return Buffer.concat(chunks);
    chunks.push(rest.subarray(start, start + size));
    at = start + size + 2;
  }
}

function outcomeOf(status: number, body: Buffer): Omit<Answer, 'ms'> {
  try {
    const answer = JSON.parse(body.toString()) as {
      value?: unknown;
      error?: { code?: string; description?: string };
    };
    if (status === 200 && answer.value) return { outcome: 'accepted' };
    const { code, description = '' } = answer.error ?? {};
    if (code === 'endpoint_down') return { outcome: code, reason: reasonOf(description) };
    if (code) return { outcome: code };
  } catch {
    // not JSON: the status tells
  }
  return { outcome: `http_${status}` };
}

/** The gateway shed the call, the brand had too many in flight, or the worker got it too late. */
function reasonOf(description: string): string {
  if (description.startsWith('the gateway is overloaded')) return 'shed';
  if (/orders in flight/.test(description)) return 'in flight';
  if (/before the deadline|deadline passed|no answer|did not answer/i.test(description)) {
    return 'late';
  }
  return 'other';
}

/**
 * Open loop: request `i` is due at `start + i / rate`, whatever became of the earlier ones, and
 * its latency counts from that due time. A stalled server therefore shows in the latencies
 * instead of slowing the load down (no coordinated omission).
 */
export async function openLoop(
  target: Target,
  requests: readonly Buffer[],
  rate: number,
): Promise<LoadRun> {
  const answers: Answer[] = [];
  const pending: Array<Promise<void>> = [];
  const interval = 1000 / rate;
  const start = performance.now() + 5;
  let next = 0;
  while (next < requests.length) {
    const now = performance.now();
    while (next < requests.length && start + next * interval <= now) {
      const due = start + next * interval;
      pending.push(
        target.send(requests[next]).then((answer) => {
          answers.push({ ...answer, ms: performance.now() - due });
        }),
      );
      next += 1;
    }
    // Wakes when the next request is due, not more often: each wakeup costs the machine CPU.
    await sleep(Math.max(0, start + next * interval - performance.now()));
  }
  await Promise.all(pending);
  return { sent: requests.length, seconds: (performance.now() - start) / 1000, answers };
}

/** Closed loop: `concurrency` clients, each sending its next order when the last is answered. */
export async function closedLoop(
  target: Target,
  nextRequest: () => Buffer,
  concurrency: number,
  seconds: number,
): Promise<LoadRun> {
  const answers: Answer[] = [];
  const start = performance.now();
  const until = start + seconds * 1000;
  const client = async () => {
    while (performance.now() < until) {
      const sentAt = performance.now();
      const answer = await target.send(nextRequest());
      answers.push({ ...answer, ms: performance.now() - sentAt });
    }
  };
  await Promise.all(Array.from({ length: concurrency }, client));
  return { sent: answers.length, seconds: (performance.now() - start) / 1000, answers };
}
