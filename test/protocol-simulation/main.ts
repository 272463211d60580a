import { parseArgs } from 'node:util';
import { Windows } from './invariant';
import { scenarioOf, summaryOf } from './scenario';
import { Outcome, runSchedule } from './schedule';

/**
 * `npm run simulate:protocol -- --seed N [--trace]` replays one schedule;
 * `--schedules N [--from-seed S]` runs N schedules from seed S. Exits 1 on a violation.
 */
function main(): number {
  const { values } = parseArgs({
    options: {
      seed: { type: 'string' },
      trace: { type: 'boolean', default: false },
      schedules: { type: 'string', default: '10000' },
      'from-seed': { type: 'string', default: '1' },
    },
  });
  if (values.seed !== undefined) return replay(Number(values.seed), values.trace);
  return explore(Number(values['from-seed']), Number(values.schedules));
}

function replay(seed: number, trace: boolean): number {
  if (trace) console.log(summaryOf(scenarioOf(seed)));
  const outcome = runSchedule(
    seed,
    trace
      ? (time, who, what) =>
          console.log(`${(time / 1000).toFixed(3).padStart(8)} ${who.padEnd(7)} ${what}`)
      : undefined,
  );
  report(outcome);
  return outcome.violations.length > 0 ? 1 : 0;
}

function explore(from: number, count: number): number {
  const started = process.hrtime.bigint();
  const windows: Windows = { lateDecision: 0, gatewayDied: 0, cannotVoid: 0 };
  let failed = 0;
  let flaggedThoughHeard = 0;
  for (let seed = from; seed < from + count; seed++) {
    const outcome = runSchedule(seed);
    flaggedThoughHeard += outcome.flaggedThoughHeard;
    for (const name of Object.keys(windows) as (keyof Windows)[]) {
      windows[name] += outcome.windows[name];
    }
    if (outcome.violations.length > 0) {
      failed++;
      report(outcome);
    }
  }
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  console.log(
    `${count} schedules (seeds ${from}..${from + count - 1}) in ${seconds.toFixed(1)} s ` +
      `(${Math.round(count / seconds)}/s): ${failed} with violations; ${wordsOf(windows)}; ` +
      `flagged though Wix heard the id: ${flaggedThoughHeard}`,
  );
  return failed > 0 ? 1 : 0;
}

function report({ seed, violations, windows, simulatedMs }: Outcome): void {
  const verdict = violations.length === 0 ? 'ok' : `${violations.length} violations`;
  const simulated = (simulatedMs / 1000).toFixed(1);
  console.log(`seed ${seed}: ${verdict} after ${simulated} s simulated; ${wordsOf(windows)}`);
  for (const violation of violations) console.log(`  ${violation}`);
}

function wordsOf(w: Windows): string {
  return (
    `live in doubt: late decision ${w.lateDecision}, gateway died ${w.gatewayDied}, ` +
    `POS cannot void ${w.cannotVoid}`
  );
}

process.exitCode = main();
