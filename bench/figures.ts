import { LoadRun } from './load';

export interface Figures {
  sent: number;
  /** Answers per second over the run. */
  throughput: number;
  codes: Record<string, number>;
  /** Of the `endpoint_down` answers, how many for each reason (see `reasonOf`). */
  reasons?: Record<string, number>;
  errors: number;
  p50: number;
  p90: number;
  p99: number;
  max: number;
  /** CPU seconds per process name over the run. */
  cpu?: Record<string, number>;
  /** Mean ms per order of each stage (see `StageMeter`), for the stack. */
  stagesMs?: Record<string, number>;
}

export function percentile(sorted: readonly number[], p: number): number {
  if (sorted.length === 0) return NaN;
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)];
}

/** Latency percentiles (ms) of `only` the answers of one outcome, or of all. */
export function figuresOf(run: LoadRun, only?: string): Figures {
  const codes: Record<string, number> = {};
  const reasons: Record<string, number> = {};
  for (const { outcome, reason } of run.answers) {
    codes[outcome] = (codes[outcome] ?? 0) + 1;
    if (reason) reasons[reason] = (reasons[reason] ?? 0) + 1;
  }
  const ms = run.answers
    .filter((a) => only === undefined || a.outcome === only)
    .map((a) => a.ms)
    .sort((a, b) => a - b);
  const round = (n: number) => Math.round(n * 10) / 10;
  return {
    sent: run.sent,
    throughput: Math.round(run.answers.length / run.seconds),
    codes,
    ...(Object.keys(reasons).length > 0 ? { reasons } : {}),
    errors: run.answers.filter((a) => a.outcome !== 'accepted').length,
    p50: round(percentile(ms, 50)),
    p90: round(percentile(ms, 90)),
    p99: round(percentile(ms, 99)),
    max: round(ms[ms.length - 1] ?? NaN),
  };
}
