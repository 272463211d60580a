/** What became of one request: one line of the simulator's output. */
export interface OrderResult {
  wixOrderId: string;
  restaurantId: string;
  /** 1, or 2 for the repeated request of the `retries` scenario. */
  attempt: number;
  outcome: string;
  status: number;
  ms: number;
  posOrderId?: string;
  /** The POS order id when accepted, else the error's description. */
  detail: string;
}

export interface Latency {
  p50: number;
  p90: number;
  p99: number;
  max: number;
}

export interface Summary {
  total: number;
  /** Requests per outcome, most frequent first. */
  outcomes: Record<string, number>;
  latency: Latency;
  retryMismatches?: number;
}

/** Nearest-rank percentile of ascending values; 0 when there are none. */
export function percentile(sorted: readonly number[], p: number): number {
  if (sorted.length === 0) return 0;
  const rank = Math.max(1, Math.ceil((p / 100) * sorted.length));
  return sorted[Math.min(rank, sorted.length) - 1] ?? 0;
}

export function summarize(
  results: ReadonlyArray<Pick<OrderResult, 'outcome' | 'ms'>>,
  retryMismatches?: number,
): Summary {
  const counts = new Map<string, number>();
  for (const { outcome } of results) counts.set(outcome, (counts.get(outcome) ?? 0) + 1);
  const sorted = results.map((r) => r.ms).sort((a, b) => a - b);
  return {
    total: results.length,
    outcomes: Object.fromEntries([...counts].sort((a, b) => b[1] - a[1])),
    latency: {
      p50: percentile(sorted, 50),
      p90: percentile(sorted, 90),
      p99: percentile(sorted, 99),
      max: sorted.at(-1) ?? 0,
    },
    ...(retryMismatches === undefined ? {} : { retryMismatches }),
  };
}

/** `<orderId> <restaurant> <outcome> <ms>ms <posOrderId or description>` */
export function formatResult(result: OrderResult): string {
  const retry = result.attempt > 1 ? ' (retry)' : '';
  return `${result.wixOrderId} ${result.restaurantId} ${result.outcome} ${result.ms}ms ${result.detail}${retry}`;
}

export function summaryLines(summary: Summary): string[] {
  const { p50, p90, p99, max } = summary.latency;
  return [
    `requests: ${summary.total}, accepted: ${summary.outcomes.accepted ?? 0}`,
    ...Object.entries(summary.outcomes).map(([outcome, count]) => `  ${outcome}: ${count}`),
    `latency: p50 ${p50}ms, p90 ${p90}ms, p99 ${p99}ms, max ${max}ms`,
    ...(summary.retryMismatches === undefined
      ? []
      : [`retry mismatches: ${summary.retryMismatches}`]),
  ];
}
