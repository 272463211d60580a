import { setTimeout as sleep } from 'node:timers/promises';

export interface StartupRetryOptions {
  /** How long to keep trying before the last error is thrown. */
  budgetMs?: number;
  /** The first wait; each next one doubles, up to `lastWaitMs`. */
  firstWaitMs?: number;
  lastWaitMs?: number;
  /** Failures to try again after whatever the budget: a broker not reachable yet, say. */
  keepTrying?: (error: unknown) => boolean;
  warn: (message: string) => void;
}

/** kafkajs's names for a broker it could not reach or that did not answer in time. */
const UNREACHABLE =
  /^KafkaJS(ConnectionError|ConnectionClosedError|RequestTimeoutError|BrokerNotFound|NumberOfRetriesExceeded|GroupCoordinatorNotFound|TopicMetadataNotLoaded|LockTimeout)$/;

/**
 * Whether `error`, or one it wraps, says the broker could not be reached: a failure that passes
 * with time, unlike a refused login or a setting the cluster refuses.
 */
export function isBrokerUnreachable(error: unknown, depth = 0): boolean {
  if (!(error instanceof Error) || depth > 5) return false;
  if (UNREACHABLE.test(error.name)) return true;
  const { cause, originalError } = error as { cause?: unknown; originalError?: unknown };
  return isBrokerUnreachable(cause ?? originalError, depth + 1);
}

/**
 * Runs a start-up step against Kafka until it succeeds or its budget is spent. A broker that
 * has just started answers metadata requests before it has loaded its group coordinator, and
 * kafkajs gives a consumer's join up after a few tries ("This is not the correct coordinator
 * for this group"): a cluster's first start, or a loaded machine, would otherwise cost the
 * process a crash and a restart by its supervisor. A step must be safe to run again after it
 * failed.
 */
export async function untilKafkaAnswers<T>(
  what: string,
  step: () => Promise<T>,
  {
    budgetMs = 60_000,
    firstWaitMs = 500,
    lastWaitMs = 5_000,
    keepTrying,
    warn,
  }: StartupRetryOptions,
): Promise<T> {
  const giveUpAt = performance.now() + budgetMs;
  for (let wait = firstWaitMs; ; wait = Math.min(wait * 2, lastWaitMs)) {
    try {
      return await step();
    } catch (error) {
      const left = giveUpAt - performance.now();
      const lasting = keepTrying?.(error) === true;
      if (left <= 0 && !lasting) throw error;
      const message = error instanceof Error ? error.message : String(error);
      const next = lasting ? wait : Math.min(wait, left);
      warn(`${what}: ${message}; trying again in ${Math.ceil(next / 100) / 10} s`);
      await sleep(next);
    }
  }
}
