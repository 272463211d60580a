import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, resolve } from 'node:path';
import {
  AppProcess,
  startApp,
  startGateway,
  startWorker,
  stopAll,
} from '../test/support/processes';
import { WorkerEnv } from '../apps/pos-worker/src/config';
import { RunServices, stopOnSignals } from '../test/support/services';
import { CpuMeter, findPids, settle } from './cpu';
import { Figures, figuresOf } from './figures';
import { Options, USAGE, UsageError, parseOptions } from './options';
import { LoadRun, Target, closedLoop, openLoop } from './load';
import { printProfiles, summarizeProfiles } from './profile-summary';
import { printReport } from './report';
import { StageMeter } from './stages';
import { judgeTargets } from './targets';
import { Workload } from './workload';

/**
 * A worker settling and reconciling as in production: the tests' quicker intervals would add
 * the reconciler's requests (one sweep every 0.5 s instead of 2 s) to every figure.
 */
function benchWorker(brand: string, env: Record<string, string> = {}) {
  const { ORDER_SETTLE_MS, RECONCILE_EVERY_MS } = new WorkerEnv();
  const production = {
    ORDER_SETTLE_MS: String(ORDER_SETTLE_MS),
    RECONCILE_EVERY_MS: String(RECONCILE_EVERY_MS),
  };
  return startWorker(brand, { ...production, ...env });
}

/**
 * `npm run bench`: the stack (gateway → Kafka → 1 and 2 workers → PostgreSQL) against the
 * in-process limit (the worker's own work behind a bare HTTP handler), under one load generator.
 * Prints tables and writes the same figures as JSON.
 */

const root = resolve(__dirname, '../..');

/** The embedded stores' directories of this run, removed once their workers stop. */
const storeDirs: string[] = [];

/** A worker as `npm start` runs it with no DATABASE_URL: on an embedded store of its own. */
function embeddedWorker(brand: string) {
  const dir = mkdtempSync(resolve(tmpdir(), 'bench-store-'));
  storeDirs.push(dir);
  return benchWorker(brand, { DATABASE_URL: '', DATA_DIR: dir });
}

async function main(): Promise<void> {
  const argv = process.argv.slice(2);
  if (argv.includes('--help')) {
    console.log(USAGE);
    return;
  }
  const options = parseOptions(argv);
  if (options.profile) {
    mkdirSync(options.profile, { recursive: true });
    process.env.APP_CPU_PROFILE_DIR = options.profile;
  }
  const services = new RunServices({
    who: 'bench',
    databasePrefix: 'pos_bench',
    durable: true,
    stoppedByTests: false,
  });
  const stopper = stopOnSignals(async () => {
    await stopAll();
    await services.stop();
  });
  // `npm run bench | head`: once the reader is gone (or its output fails otherwise), stop as on
  // Ctrl-C, rather than die on the next line and leave the broker and the database behind.
  process.stdout.on('error', (error: NodeJS.ErrnoException) => {
    stopper.stop(`the output failed (${error.code ?? error.message})`, 141);
  });
  try {
    Object.assign(process.env, await services.start(process.env));
    await run(options, () => stopper.stopping);
  } finally {
    await services.stop();
  }
}

/** `stopping`: whether the run is being stopped, and its figures are no longer whole. */
async function run(options: Options, stopping: () => boolean): Promise<void> {
  const normal = new Workload({ menuItems: 150, dishes: 6, restaurants: 50 });
  const large = new Workload({ menuItems: 2000, dishes: 6, restaurants: 50 });
  const report: Record<string, unknown> = {
    machine: machine(),
    options,
    workload: {
      normal: { menuItems: normal.menuItemCount, bodyBytes: bytes(normal) },
      large: { menuItems: large.menuItemCount, bodyBytes: bytes(large) },
    },
  };
  const normalPlan: Plan = { ...options, warmUpRate: 100 };
  // A megabyte an order: one modest rate, and fewer clients.
  const largePlan: Plan = { ...options, warmUpRate: 10, rates: [20], concurrency: [1, 2, 4, 8] };
  const phases: Record<string, Record<string, Figures>> = {};
  report.phases = phases;
  try {
    if (options.overloadRate) {
      const brand = `bench-${Date.now()}`;
      const gateway = await startGateway({}, { shedding: true });
      const workers: AppProcess[] = [];
      const start = options.embedded ? embeddedWorker : benchWorker;
      for (let i = 0; i < options.overloadWorkers; i++) workers.push(await start(brand));
      const url = `${gateway.url}/webhooks/wix/${brand}`;
      const warmUp = new Target(url);
      await openLoop(warmUp, requests(warmUp, normal, 100, options.overloadWarmUpSeconds), 100);
      warmUp.close();
      const meter = meterOf({ gateway, workers });
      const workload = options.largeMenu ? large : normal;
      phases.overload = await overload(url, workload, options.overloadRate, options, meter);
      return;
    }
    const limit = await startApp('limit', resolve(root, 'dist/bench/limit-server.js'), {
      BRAND: `bench-limit-${Date.now()}`,
    });
    const limitMeter = meterOf({ limit: [limit] });
    phases.limit = await measure(limit.url, normal, normalPlan, limitMeter);
    phases['limit, 2000-item menu'] = await measure(limit.url, large, largePlan, limitMeter);
    await limit.stop();

    const brand = `bench-${Date.now()}`;
    const gateway = await startGateway({}, { shedding: true });
    const workers = [await benchWorker(brand)];
    const url = `${gateway.url}/webhooks/wix/${brand}`;
    const oneWorker = meterOf({ gateway, workers });
    // The broker's JVM compiles its produce and fetch paths under the first few thousand orders.
    const firstPlan = { ...normalPlan, warmUpSeconds: 15 };
    phases['stack, 1 worker'] = await measure(url, normal, firstPlan, oneWorker);
    workers.push(await benchWorker(brand));
    // The new worker joins the group, takes partitions and compiles its paths under its first
    // orders: that is start-up, not the 2-worker figures.
    const stackMeter = meterOf({ gateway, workers });
    phases['stack, 2 workers'] = await measure(url, normal, firstPlan, stackMeter);
    phases['stack, 2 workers, 2000-item menu'] = await measure(url, large, largePlan, stackMeter);
    const sustained = phases['stack, 2 workers'].max.throughput;
    phases.overload = await overload(url, normal, 2 * sustained, options, stackMeter);
    await Promise.all(workers.map((worker) => worker.stop()));
    await settleAfter('the overload', 2_000);

    // `npm start` with no DATABASE_URL: one worker on the embedded store, in its process.
    const embeddedBrand = `bench-embedded-${Date.now()}`;
    const embedded = [await embeddedWorker(embeddedBrand)];
    const embeddedUrl = `${gateway.url}/webhooks/wix/${embeddedBrand}`;
    const embeddedPlan = { ...normalPlan, rates: [100, 150] };
    const embeddedMeter = meterOf({ gateway, workers: embedded });
    phases['stack, embedded store'] = await measure(
      embeddedUrl,
      normal,
      embeddedPlan,
      embeddedMeter,
    );
  } finally {
    await stopAll();
    for (const dir of storeDirs.splice(0)) rmSync(dir, { recursive: true, force: true });
    if (!options.overloadRate) report.targets = judgeTargets(phases);
    if (!stopping()) finish(report, options);
  }
}

function finish(report: Record<string, unknown>, options: Options): void {
  mkdirSync(dirname(options.out), { recursive: true });
  writeFileSync(options.out, `${JSON.stringify(report, null, 2)}\n`);
  printReport(report as never);
  if (options.profile) printProfiles(summarizeProfiles(options.profile));
  console.log(`\nfigures written to ${options.out}`);
}

interface Meter {
  cpu: () => CpuMeter;
  /** Only the stack's processes serve `/metrics`. */
  stages?: () => StageMeter;
}

function meterOf(processes: {
  gateway?: AppProcess;
  workers?: AppProcess[];
  limit?: AppProcess[];
}): Meter {
  const groups: Record<string, () => number[]> = {
    kafka: () => findPids(/kafka\.Kafka/),
    postgres: () => findPids(/^(\S*\/bin\/postgres |postgres: )/),
    loadgen: () => [process.pid],
  };
  const { gateway, workers, limit } = processes;
  if (gateway) groups.gateway = () => [gateway.pid];
  if (workers) groups.workers = () => workers.map((w) => w.pid);
  if (limit) groups.limit = () => limit.map((l) => l.pid);
  const urls = gateway && workers ? [gateway, ...workers].map((p) => p.url) : undefined;
  return {
    cpu: () => new CpuMeter(groups),
    stages: urls && (() => new StageMeter(urls)),
  };
}

async function timed(meter: Meter, run: () => Promise<LoadRun>): Promise<Figures> {
  const cpu = meter.cpu();
  const stages = meter.stages?.();
  await stages?.start();
  cpu.start();
  const result = await run();
  const used = cpu.stop();
  return { ...figuresOf(result), cpu: used, stagesMs: await stages?.stop() };
}

/** What one setup is put through: a warm-up, open loop at each rate, closed loop at each concurrency. */
interface Plan {
  warmUpRate: number;
  /** How long the warm-up lasts; 3 s unless given. */
  warmUpSeconds?: number;
  rates: number[];
  concurrency: number[];
  seconds: number;
}

/**
 * Open loop at each rate, then closed loop at rising concurrency for the best 0-error rate, until
 * an error, or two steps in a row that gain less than 5 % on the best.
 */
async function measure(url: string, workload: Workload, plan: Plan, meter: Meter) {
  const target = new Target(url);
  const phase: Record<string, Figures> = {};
  const warmUp = requests(target, workload, plan.warmUpRate, plan.warmUpSeconds ?? 3);
  await openLoop(target, warmUp, plan.warmUpRate);
  for (const rate of plan.rates) {
    const load = requests(target, workload, rate, plan.seconds);
    phase[`${rate}/s`] = await timed(meter, () => openLoop(target, load, rate));
    await settleAfter(`open loop ${rate}/s`, 2_000);
  }
  const { best, oneClient } = await findMax(target, workload, plan, meter);
  // One call at a time, no other in flight: what this setup's latency is without a queue.
  if (oneClient) phase['1 client'] = oneClient;
  phase.max = best;
  target.close();
  return phase;
}

/**
 * Between one load and the next, waits for the machine to be quiet: an open loop past what the
 * stack holds leaves orders the workers still work through after the gateway answered them
 * `endpoint_down`, and their voids, and the next figures would pay for them.
 */
async function settleAfter(what: string, minMs: number): Promise<void> {
  const { seconds, windows, quiet } = await settle({ minMs });
  if (windows > 1 || !quiet) {
    console.log(`  after ${what}: ${quiet ? 'quiet' : 'still busy'} after ${seconds} s`);
  }
}

async function findMax(target: Target, workload: Workload, plan: Plan, meter: Meter) {
  type Step = Figures & { concurrency: number };
  let best: Step | undefined;
  let oneClient: Step | undefined;
  let flat = 0;
  for (const concurrency of plan.concurrency) {
    const seconds = Math.max(3, Math.round(plan.seconds / 2));
    const run = () =>
      closedLoop(
        target,
        () => target.prepare(workload.body(workload.order())),
        concurrency,
        seconds,
      );
    const figures = await timed(meter, run);
    const step = `closed loop, ${concurrency} client${concurrency === 1 ? '' : 's'}`;
    console.log(`  ${step}: ${JSON.stringify(figures)}`);
    await settleAfter(step, 1_000);
    if (concurrency === 1) oneClient = { ...figures, concurrency };
    if (figures.errors > 0) break;
    if (!best || figures.throughput >= best.throughput * 1.05) {
      best = { ...figures, concurrency };
      flat = 0;
      continue;
    }
    if (figures.throughput > best.throughput) best = { ...figures, concurrency };
    // One step that gains little can be a moment of a shared machine's noise; two are not.
    if (++flat === 2) break;
  }
  return {
    best: best ?? { ...figuresOf({ sent: 0, seconds: 1, answers: [] }), concurrency: 0 },
    oneClient,
  };
}

/** Twice the sustainable rate: what share is answered inside 10 s, and how. */
async function overload(
  url: string,
  workload: Workload,
  rate: number,
  options: Options,
  meter: Meter,
) {
  const target = new Target(url);
  const load = requests(target, workload, rate, options.overloadSeconds);
  let run!: LoadRun;
  const all = await timed(meter, async () => (run = await openLoop(target, load, rate)));
  target.close();
  const inTime = run.answers.filter((a) => a.ms <= 10_000).length;
  return {
    all,
    accepted: figuresOf(run, 'accepted'),
    summary: {
      rate,
      answeredWithin10s: round3(inTime / run.sent),
      allAnsweredWithin10s: inTime === run.sent,
      endpointDown: round3(
        run.answers.filter((a) => a.outcome === 'endpoint_down').length / run.sent,
      ),
    } as never,
  };
}

/** The requests of `seconds` at `rate`, made before the clock starts. */
function requests(target: Target, workload: Workload, rate: number, seconds: number): Buffer[] {
  const orders = workload.orders(Math.round(rate * seconds));
  return orders.map((order) => target.prepare(workload.body(order)));
}

function bytes(workload: Workload): number {
  return Buffer.byteLength(workload.body(workload.order()));
}

function round3(n: number): number {
  return Math.round(n * 1000) / 1000;
}

function machine() {
  const cpus = execFileSync('nproc').toString().trim();
  return { node: process.version, cpus: Number(cpus), at: new Date().toISOString() };
}

main().catch((error: unknown) => {
  console.error(error instanceof UsageError ? error.message : error);
  process.exit(1);
});
