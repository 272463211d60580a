import { Figures } from './figures';
import { Verdict } from './targets';

/** The figures of one load; a closed loop's say how many clients it ran. */
type Run = Figures & { concurrency?: number };

interface Report {
  options?: { overloadRate?: number; embedded?: boolean; largeMenu?: boolean };
  workload: Record<string, { menuItems: number; bodyBytes: number }>;
  phases: Record<string, Record<string, Run>>;
  targets?: Verdict[];
}

function table(header: string[], rows: Array<Array<string | number>>): string {
  const cells = [header, ...rows.map((row) => row.map(String))];
  const widths = header.map((_, i) => Math.max(...cells.map((row) => row[i]?.length ?? 0)));
  const line = (row: string[]) => `| ${row.map((c, i) => c.padEnd(widths[i])).join(' | ')} |`;
  return [line(header), line(widths.map((w) => '-'.repeat(w))), ...cells.slice(1).map(line)].join(
    '\n',
  );
}

function codes(f: Figures): string {
  const reasons = Object.entries(f.reasons ?? {})
    .map(([reason, n]) => `${reason} ${n}`)
    .join(', ');
  return Object.entries(f.codes)
    .map(([code, n]) => `${code} ${n}${code === 'endpoint_down' && reasons ? ` (${reasons})` : ''}`)
    .join(', ');
}

function cpu(f: Figures): string {
  return Object.entries(f.cpu ?? {})
    .filter(([, s]) => s > 0)
    .map(([name, s]) => `${name} ${s.toFixed(1)}`)
    .join(', ');
}

function ratio(a: number | undefined, b: number | undefined): string {
  return a && b ? `${(a / b).toFixed(2)}×` : '—';
}

/** How a run was loaded: open loop at its rate, or closed loop (the most it held, or 1 client). */
function loadOf(load: string, f: Run): string {
  if (f.concurrency === undefined) return `open loop ${load}`;
  const clients = `${f.concurrency} client${f.concurrency === 1 ? '' : 's'}`;
  // A search that found no step without errors has no most: its max is empty.
  return `closed loop, ${clients}${load === 'max' && f.concurrency > 0 ? ' (most)' : ''}`;
}

/** A setup's runs by load; when one client was the most it held, that run's row is the max's. */
function loadsOf(runs: Record<string, Run>): Array<[string, Run]> {
  return Object.entries(runs).filter(
    ([load]) => load !== '1 client' || runs.max?.concurrency !== 1,
  );
}

/** The figures as Markdown tables: the same as the JSON, for a reader. */
export function printReport(report: Report): void {
  const { phases, workload } = report;
  console.log(
    `\nworkload: ${workload.normal.menuItems}-item menu (${Math.round(workload.normal.bodyBytes / 1024)} KiB body), ` +
      `${workload.large.menuItems}-item menu (${Math.round(workload.large.bodyBytes / 1024)} KiB body); ` +
      'latencies in ms, open loop from the scheduled send time; CPU in seconds per run\n',
  );
  const rows = Object.entries(phases)
    .filter(([name]) => name !== 'overload')
    .flatMap(([name, runs]) =>
      loadsOf(runs).map(([load, f]) => [
        name,
        loadOf(load, f),
        f.sent,
        f.throughput,
        f.p50,
        f.p90,
        f.p99,
        f.max,
        codes(f),
        cpu(f),
      ]),
    );
  console.log(
    table(
      ['setup', 'load', 'sent', 'answers/s', 'p50', 'p90', 'p99', 'max', 'answers', 'CPU s'],
      rows,
    ),
  );

  console.log("\nwhere the time goes: mean ms per order, from the processes' histograms\n");
  const stageRows = Object.entries(phases).flatMap(([name, runs]) =>
    loadsOf(runs)
      .filter(([, f]) => f.stagesMs)
      .map(([load, f]) => {
        const s = f.stagesMs!;
        return [
          name,
          loadOf(load, f),
          s.gatewayOwn,
          s.kafkaHops,
          s.workerOwn,
          s.posCall,
          s.gatewayTotal,
        ];
      }),
  );
  console.log(
    table(
      ['setup', 'load', 'gateway', 'Kafka, both hops', 'worker', 'POS call', 'gateway total'],
      stageRows,
    ),
  );

  const limit = phases.limit;
  console.log('\nthe stack against the in-process limit\n');
  console.log(
    table(
      ['setup', 'max answers/s', 'share of limit', 'p99 at 300/s', 'p99 / limit p99'],
      ['stack, 1 worker', 'stack, 2 workers', 'stack, embedded store'].map((name) => [
        name,
        phases[name]?.max?.throughput ?? '—',
        ratio(phases[name]?.max?.throughput, limit?.max?.throughput),
        phases[name]?.['300/s']?.p99 ?? '—',
        ratio(phases[name]?.['300/s']?.p99, limit?.['300/s']?.p99),
      ]),
    ),
  );

  console.log('\nbody size: 150 against 2,000 menu items\n');
  console.log(
    table(
      ['setup', 'p50 at 20/s', 'p99 at 20/s', 'max answers/s', 'vs 150-item max'],
      [
        ['limit', 'limit, 2000-item menu'],
        ['stack, 2 workers', 'stack, 2 workers, 2000-item menu'],
      ].map(([small, big]) => [
        big,
        phases[big]?.['20/s']?.p50 ?? '—',
        phases[big]?.['20/s']?.p99 ?? '—',
        phases[big]?.max?.throughput ?? '—',
        ratio(phases[big]?.max?.throughput, phases[small]?.max?.throughput),
      ]),
    ),
  );

  const overload = phases.overload as unknown as
    { all: Figures; accepted: Figures; summary: Record<string, number> } | undefined;
  if (overload) {
    const { summary, accepted, all } = overload;
    // The full run picks twice what the stack sustained; `--overload-rate` gives its own.
    const chosen = report.options?.overloadRate
      ? [
          report.options.embedded ? 'embedded store' : '',
          report.options.largeMenu ? `${report.workload.large.menuItems}-item menu` : '',
        ].filter(Boolean)
      : ['2× the sustained rate'];
    const how = chosen.length > 0 ? ` (${chosen.join(', ')})` : '';
    console.log(
      `\noverload: ${summary.rate}/s${how} for ${all.sent} requests: ` +
        `${(summary.answeredWithin10s * 100).toFixed(1)} % answered within 10 s, ` +
        `${(summary.endpointDown * 100).toFixed(1)} % endpoint_down; accepted p50 ${accepted.p50} ms, ` +
        `p99 ${accepted.p99} ms, max ${accepted.max} ms (${codes(all)})`,
    );
  }

  if (report.targets) {
    console.log('\nthe speed targets (docs/benchmarks.md), on this run\n');
    const met = (v: Verdict) => (v.met === undefined ? 'not run' : v.met ? 'met' : 'not met');
    console.log(
      table(
        ['target', 'measured', ''],
        report.targets.map((v) => [v.target, v.measured, met(v)]),
      ),
    );
  }
}
