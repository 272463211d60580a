import { ChildProcess, spawn } from 'node:child_process';
import { existsSync, readdirSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { join, relative, resolve } from 'node:path';
import { RunServices, stopOnSignals } from './support/services';

/** The longest a single test may run: the longest take a few minutes on a 2-core machine. */
const TEST_TIMEOUT_MS = 15 * 60_000;

/**
 * `npm test`: runs every unit test (`*.spec.js`) and end-to-end test (`*.e2e-spec.js`) of the
 * build (`dist/`, and `libs/<package>/dist/` of each workspace package) with Node's test runner.
 * End-to-end tests get a real broker and a real PostgreSQL:
 * those named by KAFKA_BROKERS and DATABASE_URL, else containers when Docker is reachable, else
 * a local broker and an embedded PostgreSQL started here (test/support/services.ts); each run
 * gets a database of its own, dropped afterwards. `--unit` runs the unit tests only. Other
 * arguments filter the test files by substring; options (`--test-name-pattern=…`) go to the
 * test runner.
 */
async function main(): Promise<number> {
  const root = resolve(__dirname, '..', '..');
  const args = process.argv.slice(2);
  const unitOnly = args.includes('--unit');
  const filters = args.filter((arg) => !arg.startsWith('--'));
  const options = args.filter((arg) => arg.startsWith('--') && arg !== '--unit');
  const files = buildDirectories(root)
    .flatMap(findTests)
    .filter(
      (file) =>
        (!unitOnly || !file.endsWith('.e2e-spec.js')) &&
        (filters.length === 0 || filters.some((f) => relative(root, file).includes(f))),
    );
  if (files.length === 0) throw new Error(`no test file matches ${filters.join(' ')}`);

  const endToEnd = files.some((file) => file.endsWith('.e2e-spec.js'));
  const services = new RunServices({
    who: 'tests',
    databasePrefix: 'pos_test',
    durable: false,
    stoppedByTests: true,
  });
  let child: ChildProcess | undefined;
  stopOnSignals(async (signal) => {
    if (child?.pid) process.kill(-child.pid, signal);
    await services.stop();
  });
  try {
    const env = endToEnd ? { ...process.env, ...(await services.start(process.env)) } : process.env;
    // End-to-end files share the broker and database and start processes of their own: one at
    // a time. Unit tests share nothing.
    const concurrency = endToEnd ? 1 : availableParallelism();
    // A test that hangs fails, with the rest still run, instead of holding up the whole run.
    const timeout = options.some((option) => option.startsWith('--test-timeout'))
      ? []
      : [`--test-timeout=${TEST_TIMEOUT_MS}`];
    child = nodeTest(files, env, [`--test-concurrency=${concurrency}`, ...timeout, ...options]);
    return await exitCode(child);
  } finally {
    await services.stop();
  }
}

/** `dist/` (apps, tests, tools) and each workspace package's `libs/<name>/dist/`. */
function buildDirectories(root: string): string[] {
  const libs = readdirSync(join(root, 'libs'), { withFileTypes: true })
    .filter((entry) => entry.isDirectory())
    .map((entry) => join(root, 'libs', entry.name, 'dist'));
  return [join(root, 'dist'), ...libs.filter((dir) => existsSync(dir))];
}

/**
 * `dist/libs/<name>` of a lib that builds into its own `libs/<name>/dist`: left there by builds
 * from before the libs were packages, stale code that must never run.
 */
function isStale(path: string): boolean {
  const lib = /\/dist\/libs\/([^/]+)$/.exec(path)?.[1];
  return lib !== undefined && existsSync(join(path, '../../../libs', lib, 'tsconfig.json'));
}

function findTests(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) {
      return entry.name === 'node_modules' || isStale(path) ? [] : findTests(path);
    }
    return /\.(e2e-)?spec\.js$/.test(entry.name) ? [path] : [];
  });
}

function nodeTest(files: string[], env: NodeJS.ProcessEnv, options: string[]): ChildProcess {
  const args = ['--enable-source-maps', '--test', '--test-reporter=spec'];
  // A process group of its own, with the apps the tests start: a signal reaches them all.
  return spawn(process.execPath, [...args, ...options, ...files], {
    env,
    detached: true,
    stdio: ['ignore', 'inherit', 'inherit'],
  });
}

function exitCode(child: ChildProcess): Promise<number> {
  return new Promise((resolve) => child.on('exit', (code) => resolve(code ?? 1)));
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    console.error(error);
    process.exit(1);
  },
);
