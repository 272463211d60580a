import { createRequire } from 'node:module';

/** The part of kafkajs's per-connection queue of requests (`network/requestQueue`) used here. */
interface RequestQueue {
  pending: unknown[];
  throttledUntil: number;
  throttleCheckTimeoutId: NodeJS.Timeout | null;
  checkPendingRequests(): void;
  scheduleCheckPendingRequests(): void;
}

/** kafkajs's own wait before it looks again at requests its in-flight cap holds back. */
const CHECK_PENDING_MS = 10;
/** The delay kafkajs 2.2.4 arms its check with, whatever the queue holds. */
const ARMS_ALWAYS = /throttledUntil\s*-\s*Date\.now\(\)/;
const MENDED = Symbol.for('wix-pos-gateway.kafkajs-request-queue-mended');
/** What this module found: kafkajs is resolved and looked at once per process, not per client. */
let outcome: boolean | undefined;

/**
 * Arms kafkajs's check of held-back requests only while some are held back.
 *
 * kafkajs 2.2.4 re-arms that check after every response and every check, held-back requests or
 * none, with a delay of `throttledUntil - Date.now()` ms: negative when nothing throttles, which
 * Node runs after 1 ms. So each connection to a broker wakes its process about a thousand times
 * a second for as long as it lives (tulios/kafkajs#1704), and Node 24 warns of the negative
 * delay once per process (`TimeoutNegativeWarning`, #1751). A request is held back only in
 * `push`, which arms the check itself, and a response checks the queue at once: the timer is
 * needed only while the queue holds one, at the throttle's end or after 10 ms, as kafkajs
 * arms it then. Applied once per process, to the kafkajs this package resolves, and only where
 * kafkajs still has that method; another version is left as it is.
 */
export function mendRequestQueue(): boolean {
  outcome ??= mend();
  return outcome;
}

function mend(): boolean {
  let queue: { prototype: RequestQueue } | undefined;
  try {
    const kafkajs = createRequire(require.resolve('kafkajs'));
    queue = kafkajs('./src/network/requestQueue/index.js') as { prototype: RequestQueue };
  } catch {
    return false;
  }
  const proto = queue.prototype as RequestQueue & { [MENDED]?: true };
  if (proto[MENDED]) return true;
  const original: unknown = Object.getOwnPropertyDescriptor(
    proto,
    'scheduleCheckPendingRequests',
  )?.value;
  if (typeof original !== 'function' || !ARMS_ALWAYS.test(String(original))) return false;
  proto.scheduleCheckPendingRequests = function scheduleCheckPendingRequests(this: RequestQueue) {
    if (this.throttleCheckTimeoutId || this.pending.length === 0) return;
    const throttledMs = this.throttledUntil - Date.now();
    this.throttleCheckTimeoutId = setTimeout(
      () => {
        this.throttleCheckTimeoutId = null;
        this.checkPendingRequests();
      },
      throttledMs > 0 ? throttledMs : CHECK_PENDING_MS,
    );
  };
  proto[MENDED] = true;
  return true;
}
