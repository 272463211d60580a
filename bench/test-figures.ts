import { Figures } from './figures';

/** Figures of a run for the benchmark's own tests: 1,000 orders, all accepted, but for `over`. */
export function figures(over: Partial<Figures & { concurrency: number }> = {}) {
  return {
    sent: 1000,
    throughput: 100,
    codes: { accepted: 1000 },
    errors: 0,
    p50: 5,
    p90: 9,
    p99: 20,
    max: 30,
    ...over,
  };
}
