import { Figures } from './figures';

type Phases = Record<string, Record<string, Figures>>;

interface Overload {
  summary: { answeredWithin10s: number; allAnsweredWithin10s?: boolean };
}

/** One of the speed targets, judged on the figures of one run. */
export interface Verdict {
  target: string;
  measured: string;
  /** Undefined when the run has no figures for it (a phase skipped or failed). */
  met?: boolean;
}

const STACK = 'stack, 2 workers';

function accepted(f: Figures): number {
  return f.codes.accepted ?? 0;
}

function errors(f: Figures): string {
  return f.errors === 0 ? 'no error' : `${f.errors} errors`;
}

/**
 * Figures of the same run to read a latency target against, as `; one call at a time: p50 11
 * ms`: a setup's latency with one client (no other call in flight), or the in-process limit's
 * at the same rate. Runs the run has no figures for, or that had errors, are left out.
 */
function beside(floors: Array<[string, Figures | undefined, Array<'p50' | 'p99'>]>): string {
  const known = floors.filter(
    ([, f, ps]) => f !== undefined && f.errors === 0 && ps.every((p) => Number.isFinite(f[p])),
  );
  const quote = ([name, f, ps]: (typeof floors)[number]) =>
    `${name}: ${ps.map((p) => `${p} ${f![p]} ms`).join(', ')}`;
  return known.length === 0 ? '' : `; ${known.map(quote).join('; ')}`;
}

/**
 * The speed targets the project holds itself to (docs/benchmarks.md), each against this run's
 * figures: a gateway and 2 workers on PostgreSQL, the in-process limit of the same run, the
 * embedded store. CPU per order is charged to the accepted orders, so that shed calls, which
 * cost almost nothing, do not make it look smaller.
 */
export function judgeTargets(phases: Phases): Verdict[] {
  const stack = phases[STACK] ?? {};
  const large = phases[`${STACK}, 2000-item menu`] ?? {};
  const embedded = phases['stack, embedded store'] ?? {};
  const limit = phases.limit ?? {};
  const verdicts: Verdict[] = [];
  const judge = <T>(
    target: string,
    figures: T | undefined,
    measure: (f: T) => { measured: string; met: boolean },
  ) => {
    verdicts.push(figures ? { target, ...measure(figures) } : { target, measured: '—' });
  };

  judge('2 workers, 300/s open loop: p99 ≤ 100 ms, no error', stack['300/s'], (f) => ({
    measured:
      `${f.throughput}/s answered, p99 ${f.p99} ms, ${errors(f)}` +
      beside([
        ['one call at a time', stack['1 client'], ['p99']],
        ['the limit at 300/s', limit['300/s'], ['p99']],
      ]),
    met: f.errors === 0 && f.p99 <= 100,
  }));
  const limitMax = limit.max?.throughput;
  judge(
    '2 workers, most held: ≥ 70 % of the in-process limit',
    stack.max && limitMax !== undefined
      ? { stack: stack.max.throughput, limit: limitMax }
      : undefined,
    ({ stack, limit }) => ({
      measured: `${stack}/s against ${limit}/s: ${(stack / limit).toFixed(2)}×`,
      met: limit > 0 && stack >= 0.7 * limit,
    }),
  );
  judge('2 workers, 100/s: p50 ≤ 6 ms, p99 ≤ 25 ms', stack['100/s'], (f) => ({
    measured:
      `p50 ${f.p50} ms, p99 ${f.p99} ms, ${errors(f)}` +
      beside([
        ['one call at a time', stack['1 client'], ['p50', 'p99']],
        ['the limit at 100/s', limit['100/s'], ['p50', 'p99']],
      ]),
    met: f.errors === 0 && f.p50 <= 6 && f.p99 <= 25,
  }));
  /** The figures with the CPU seconds of gateway and workers together, when both were read. */
  const withCpu = (f: Figures | undefined) =>
    f?.cpu?.gateway !== undefined && f.cpu.workers !== undefined
      ? { f, seconds: f.cpu.gateway + f.cpu.workers }
      : undefined;
  judge(
    'gateway + workers at 300/s: ≤ 5 ms of CPU per order',
    withCpu(stack['300/s']),
    ({ f, seconds }) => {
      const ms = accepted(f) > 0 ? (seconds * 1000) / accepted(f) : Infinity;
      return {
        measured: `${ms.toFixed(2)} ms per accepted order (${accepted(f)} of ${f.sent})`,
        met: ms <= 5,
      };
    },
  );
  judge('2 workers, 2,000-item menu at 20/s: p99 ≤ 60 ms', large['20/s'], (f) => ({
    measured:
      `p99 ${f.p99} ms, ${errors(f)}` +
      beside([
        ['one call at a time', large['1 client'], ['p99']],
        ['the limit at 20/s', phases['limit, 2000-item menu']?.['20/s'], ['p99']],
      ]),
    met: f.errors === 0 && f.p99 <= 60,
  }));
  judge('embedded store, 150/s: p99 ≤ 200 ms, no error', embedded['150/s'], (f) => ({
    measured:
      `${f.throughput}/s answered, p99 ${f.p99} ms, ${errors(f)}` +
      beside([['one call at a time', embedded['1 client'], ['p99']]]),
    met: f.errors === 0 && f.p99 <= 200,
  }));
  judge(
    'overload at 2× the most held: every call answered inside 10 s',
    (phases.overload as unknown as Overload | undefined)?.summary,
    (s) => ({
      measured: `${(s.answeredWithin10s * 100).toFixed(1)} % answered inside 10 s`,
      met: s.allAnsweredWithin10s ?? s.answeredWithin10s === 1,
    }),
  );
  return verdicts;
}
