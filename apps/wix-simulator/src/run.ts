import { redactCards } from './redact';
import type { OrderResult } from './report';
import { SendResult, answerDetail, posOrderIdOf, sendOrder } from './send';
import type { SpiRequest } from './wix-json';

export interface RunOptions {
  url: string;
  orders: number;
  concurrency: number;
  timeoutMs: number;
  /** Requests per order, each with the same body. */
  attempts: number;
  makeOrder: (index: number) => SpiRequest;
  onResult?: (result: OrderResult) => void;
  send?: (url: string, body: unknown, timeoutMs: number) => Promise<SendResult>;
}

export interface RunOutcome {
  results: OrderResult[];
  /** With more than one attempt: orders whose answers differed in outcome or POS order id. */
  retryMismatches?: number;
}

/** Sends the orders, `concurrency` at a time; the attempts of one order go one after another. */
export async function runOrders(options: RunOptions): Promise<RunOutcome> {
  const send = options.send ?? sendOrder;
  const perOrder = await inPool(options.orders, options.concurrency, async (index) => {
    const body = options.makeOrder(index);
    const results: OrderResult[] = [];
    for (let attempt = 1; attempt <= options.attempts; attempt++) {
      const sent = await send(options.url, body, options.timeoutMs);
      const result = toResult(body, attempt, sent, options);
      options.onResult?.(result);
      results.push(result);
    }
    return results;
  });
  const results = perOrder.flat();
  if (options.attempts < 2) return { results };
  return { results, retryMismatches: perOrder.filter(answersDiffer).length };
}

/** Runs `work(0..count-1)` with at most `concurrency` calls pending; results in index order. */
export async function inPool<R>(
  count: number,
  concurrency: number,
  work: (index: number) => Promise<R>,
): Promise<R[]> {
  const results = new Array<R>(count);
  let next = 0;
  const lane = async (): Promise<void> => {
    while (next < count) {
      const index = next++;
      results[index] = await work(index);
    }
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, count) }, lane));
  return results;
}

export function answersDiffer(attempts: readonly OrderResult[]): boolean {
  const [first, ...rest] = attempts;
  return rest.some((r) => r.outcome !== first?.outcome || r.posOrderId !== first.posOrderId);
}

function toResult(
  body: SpiRequest,
  attempt: number,
  sent: SendResult,
  { url, timeoutMs }: RunOptions,
): OrderResult {
  const posOrderId = posOrderIdOf(sent.body);
  const detail =
    sent.outcome === 'timeout'
      ? `no answer within ${timeoutMs} ms`
      : sent.outcome === 'unreachable'
        ? `cannot reach ${url}`
        : answerDetail(sent.body);
  return {
    wixOrderId: body.order.id,
    restaurantId: body.order.restaurantId,
    attempt,
    outcome: sent.outcome,
    status: sent.status,
    ms: sent.ms,
    ...(posOrderId === undefined ? {} : { posOrderId }),
    detail: redactCards(detail, body),
  };
}
