import { Agent, request } from 'node:http';
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

/** An HTTP/1.1 client with kept-alive connections, one per request in flight. */
export class Target {
  private readonly agent = new Agent({ keepAlive: true, maxSockets: Infinity });

  constructor(readonly url: string) {}

  /** The outcome, and for `endpoint_down` the reason the description gives. */
  send(body: string): Promise<Omit<Answer, 'ms'>> {
    return new Promise((resolve) => {
      const payload = Buffer.from(body);
      const req = request(this.url, {
        method: 'POST',
        agent: this.agent,
        timeout: REQUEST_TIMEOUT_MS,
        headers: { 'content-type': 'application/json', 'content-length': payload.length },
      });
      req.on('response', (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (chunk: Buffer) => chunks.push(chunk));
        res.on('end', () => resolve(outcomeOf(res.statusCode ?? 0, Buffer.concat(chunks))));
        res.on('error', () => resolve({ outcome: 'network' }));
      });
      req.on('timeout', () => {
        req.destroy();
        resolve({ outcome: 'timeout' });
      });
      req.on('error', (error: NodeJS.ErrnoException) =>
        resolve({ outcome: `network ${error.code ?? ''}`.trim() }),
      );
      req.end(payload);
    });
  }

  close(): void {
    this.agent.destroy();
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
  bodies: readonly string[],
  rate: number,
): Promise<LoadRun> {
  const answers: Answer[] = [];
  const pending: Array<Promise<void>> = [];
  const interval = 1000 / rate;
  const start = performance.now() + 5;
  let next = 0;
  while (next < bodies.length) {
    const now = performance.now();
    while (next < bodies.length && start + next * interval <= now) {
      const due = start + next * interval;
      pending.push(
        target.send(bodies[next]).then((answer) => {
          answers.push({ ...answer, ms: performance.now() - due });
        }),
      );
      next += 1;
    }
    await sleep(Math.max(0, Math.min(1, start + next * interval - performance.now())));
  }
  await Promise.all(pending);
  return { sent: bodies.length, seconds: (performance.now() - start) / 1000, answers };
}

/** Closed loop: `concurrency` clients, each sending its next order when the last is answered. */
export async function closedLoop(
  target: Target,
  nextBody: () => string,
  concurrency: number,
  seconds: number,
): Promise<LoadRun> {
  const answers: Answer[] = [];
  const start = performance.now();
  const until = start + seconds * 1000;
  const client = async () => {
    while (performance.now() < until) {
      const sentAt = performance.now();
      const answer = await target.send(nextBody());
      answers.push({ ...answer, ms: performance.now() - sentAt });
    }
  };
  await Promise.all(Array.from({ length: concurrency }, client));
  return { sent: answers.length, seconds: (performance.now() - start) / 1000, answers };
}
