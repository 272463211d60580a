import { resolve } from 'node:path';

/** What `npm run bench` was asked for (`parseOptions`). */
export interface Options {
  seconds: number;
  rates: number[];
  concurrency: number[];
  overloadSeconds: number;
  /** Run only the overload phase, at this rate (orders/s). */
  overloadRate?: number;
  /** With `overloadRate`: how long the fresh apps run at 100/s before the clock starts. */
  overloadWarmUpSeconds: number;
  /** With `overloadRate`: how many workers serve the gateway (2 unless given). */
  overloadWorkers: number;
  /** With `overloadRate`: one worker on the embedded store instead of PostgreSQL. */
  embedded: boolean;
  /** With `overloadRate`: the measured orders carry the 2,000-item menu. */
  largeMenu: boolean;
  /** Write each app's CPU profile here, and print where its time went. */
  profile?: string;
  out: string;
}

/** What `npm run bench -- --help` prints; docs/benchmarks.md says more. */
export const USAGE = `npm run bench -- [options]: the stack against the in-process limit (docs/benchmarks.md)

  --seconds N            each open-loop run (default 10)
  --rates A,B,...        open-loop rates, orders/s (default 100,300,1000)
  --concurrency A,B,...  closed-loop clients, tried in turn (default 1,4,8,16,32,64)
  --overload-seconds N   the overload phase (default 30)
  --overload-rate N      only the overload phase, at N orders/s, on fresh apps
  --warm-up-seconds N    with --overload-rate: 100/s before the clock starts (default 3)
  --workers N            with --overload-rate: how many workers (default 2)
  --embedded             with --overload-rate: one worker on the embedded store
  --large-menu           with --overload-rate: orders carry the 2,000-item menu
  --profile DIR          each app's CPU profile into DIR, and a summary
  --out FILE             the figures as JSON (default bench/results/latest.json)
  --quick                a short smoke run: --seconds 3, --concurrency 8,32, --overload-seconds 5
  --help                 this text`;

/** Options that cannot be: refused before anything starts, and printed without a stack. */
export class UsageError extends Error {}

/** The options that take a value, and those that are switches. */
const VALUED = new Set([
  'seconds',
  'rates',
  'concurrency',
  'overload-seconds',
  'overload-rate',
  'warm-up-seconds',
  'workers',
  'profile',
  'out',
]);
const SWITCHES = new Set(['quick', 'embedded', 'large-menu']);

const root = resolve(__dirname, '../..');

/**
 * The options of `argv`. An option it does not know, given twice, or without its value, or a
 * value that is no number where one is needed, is refused before anything starts: a misspelt
 * option would otherwise run minutes of the wrong benchmark. So is an option npm took for its
 * own (`npm run bench --quick`, without `--`), which npm hands on only in `env`.
 */
export function parseOptions(argv: string[], env: NodeJS.ProcessEnv = process.env): Options {
  checkNames(argv, env);
  const quick = argv.includes('--quick');
  const value = (name: string) => {
    const at = argv.indexOf(`--${name}`);
    return at >= 0 ? argv[at + 1] : undefined;
  };
  const overloadRate = rateOf(value('overload-rate'));
  const overload = overloadRate !== undefined;
  const workers = workerCount(value('workers'), overload);
  const embedded = overloadOnly(argv, 'embedded', overload);
  if (embedded && workers !== 1 && value('workers') !== undefined) {
    throw new UsageError('--embedded runs one worker: an embedded store has one process');
  }
  overloadOnly(argv, 'warm-up-seconds', overload);
  const seconds = (name: string, fallback: number, zero = false) => {
    const text = value(name);
    if (text === undefined) return fallback;
    const [one, ...more] = numbers(name, text, { zero });
    if (more.length > 0)
      throw new UsageError(`--${name} takes one number, not ${JSON.stringify(text)}`);
    return one;
  };
  const list = (name: string, fallback: string, whole: boolean) =>
    numbers(name, value(name) ?? fallback, { whole });
  return {
    seconds: seconds('seconds', quick ? 3 : 10),
    rates: list('rates', '100,300,1000', false),
    concurrency: list('concurrency', quick ? '8,32' : '1,4,8,16,32,64', true),
    overloadSeconds: seconds('overload-seconds', quick ? 5 : 30),
    overloadRate,
    // No warm-up is a choice: the figures of apps just started.
    overloadWarmUpSeconds: seconds('warm-up-seconds', 3, true),
    overloadWorkers: embedded ? 1 : workers,
    embedded,
    largeMenu: overloadOnly(argv, 'large-menu', overload),
    out: resolve(value('out') ?? resolve(root, 'bench/results/latest.json')),
    profile: value('profile') === undefined ? undefined : resolve(value('profile')!),
  };
}

function checkNames(argv: string[], env: NodeJS.ProcessEnv): void {
  for (const name of [...VALUED, ...SWITCHES]) {
    if (env[`npm_config_${name.replace(/-/g, '_')}`] !== undefined) {
      throw new UsageError(
        `npm took --${name} for itself: options go after --, as in npm run bench -- --${name}`,
      );
    }
  }
  const seen = new Set<string>();
  for (let i = 0; i < argv.length; i++) {
    const name = argv[i].startsWith('--') ? argv[i].slice(2) : undefined;
    if (name === undefined || (!VALUED.has(name) && !SWITCHES.has(name))) {
      throw new UsageError(
        `unknown option ${JSON.stringify(argv[i])}: see npm run bench -- --help`,
      );
    }
    if (seen.has(name)) throw new UsageError(`--${name} is given twice`);
    seen.add(name);
    if (SWITCHES.has(name)) continue;
    const given = argv[i + 1];
    if (given === undefined || given.startsWith('--'))
      throw new UsageError(`--${name} needs a value`);
    i++;
  }
}

/**
 * A comma-separated list of numbers above 0, as `--rates` takes: `whole`, whole numbers only;
 * `zero`, 0 too.
 */
function numbers(
  name: string,
  text: string,
  { whole = false, zero = false }: { whole?: boolean; zero?: boolean },
): number[] {
  const values = text.split(',').map(Number);
  const fit = (n: number) =>
    Number.isFinite(n) && (n > 0 || (zero && n === 0)) && (!whole || Number.isInteger(n));
  if (text.trim() === '' || !values.every(fit)) {
    const kind = whole ? 'whole numbers' : 'numbers';
    const least = zero ? 'from 0' : whole ? 'from 1' : 'above 0';
    throw new UsageError(`--${name} takes ${kind} ${least}, not ${JSON.stringify(text)}`);
  }
  return values;
}

/** `--overload-rate N`: orders a second, above 0. */
function rateOf(text: string | undefined): number | undefined {
  if (text === undefined) return undefined;
  const rate = Number(text);
  if (!(rate > 0) || !Number.isFinite(rate)) {
    throw new UsageError(`--overload-rate must be a number above 0, not ${JSON.stringify(text)}`);
  }
  return rate;
}

/** `--workers N`: a whole number from 1, and only with `--overload-rate` (the full run sets its own). */
function workerCount(text: string | undefined, overload: boolean): number {
  if (text === undefined) return 2;
  const count = Number(text);
  if (!Number.isInteger(count) || count < 1) {
    throw new UsageError(`--workers must be a whole number from 1, not ${JSON.stringify(text)}`);
  }
  if (!overload) throw new UsageError('--workers goes with --overload-rate');
  return count;
}

/** A flag that only `--overload-rate` takes. */
function overloadOnly(argv: string[], flag: string, overload: boolean): boolean {
  if (!argv.includes(`--${flag}`)) return false;
  if (!overload) throw new UsageError(`--${flag} goes with --overload-rate`);
  return true;
}
