import { ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import { readFileSync } from 'node:fs';
import { setTimeout as sleep } from 'node:timers/promises';
import { CardKeyring } from '@wix-pos-gateway/cards';
import { appFiles, gatewayNodeFlags } from './app-files';
import { freePort } from './containers';
import { httpsRequest } from './https';

/** A gateway or worker running as a real process of its own, as in production. */
export class AppProcess {
  private output = '';
  private exited: Promise<unknown>;

  constructor(
    readonly name: string,
    readonly url: string,
    private readonly child: ChildProcess,
    /** The certificate to trust when the process serves HTTPS (`TLS_CERT_FILE`). */
    readonly ca?: Buffer,
  ) {
    const collect = (chunk: Buffer) => (this.output += chunk.toString());
    child.stdout?.on('data', collect);
    child.stderr?.on('data', collect);
    this.exited = once(child, 'exit');
  }

  get pid(): number {
    return this.child.pid ?? -1;
  }

  /**
   * How the process ended: `0`, another exit code, or the signal that ended it. A Nest app
   * that shut down gracefully on SIGTERM re-raises it, and so ends by `SIGTERM`.
   */
  get ended(): number | NodeJS.Signals | null {
    return this.child.exitCode ?? this.child.signalCode;
  }

  get running(): boolean {
    return this.child.exitCode === null && this.child.signalCode === null;
  }

  logs(): string {
    return this.output;
  }

  /** SIGTERM (graceful) by default; SIGKILL for a crash. */
  async stop(signal: NodeJS.Signals = 'SIGTERM'): Promise<void> {
    if (!this.running) return;
    this.child.kill(signal);
    const timer = setTimeout(() => this.child.kill('SIGKILL'), 15_000);
    await this.exited;
    clearTimeout(timer);
  }

  /** Until `/health/ready` answers 2xx; `/health/live` with `health: 'live'`. */
  async waitReady(timeoutMs = 30_000, health: 'ready' | 'live' = 'ready'): Promise<void> {
    const until = Date.now() + timeoutMs;
    while (Date.now() < until) {
      if (!this.running) throw new Error(`${this.name} exited while starting:\n${this.output}`);
      const url = `${this.url}/health/${health}`;
      const ready = await (this.ca ? httpsRequest(url, { ca: this.ca }) : fetch(url)).then(
        (res) => res.status >= 200 && res.status < 300,
        () => false,
      );
      if (ready) return;
      await sleep(100);
    }
    throw new Error(`${this.name} not ${health} after ${timeoutMs} ms:\n${this.output}`);
  }
}

const running = new Set<AppProcess>();

/** The card keys of this test file's stack: card payments are on, as for a POS that clears cards. */
export const TEST_CARD_KEYS = CardKeyring.generate('test-1');
const cardPayments = {
  CARD_PAYMENTS: 'on',
  CARD_KEYS: TEST_CARD_KEYS,
  KITCHEN_INBOX_CARD_PROCESSOR: 'test',
};

/**
 * How apps run: with source maps in tests; as in production, with a CPU profile each into
 * `APP_CPU_PROFILE_DIR` when it is set (`npm run bench -- --profile <dir>`).
 */
function nodeOptions(name: string, port: number): string[] {
  const dir = process.env.APP_CPU_PROFILE_DIR;
  if (!dir) return ['--enable-source-maps'];
  return ['--cpu-prof', `--cpu-prof-dir=${dir}`, `--cpu-prof-name=${name}-${port}.cpuprofile`];
}

/**
 * A process of `entry` (a compiled script), on a free port, once its `/health/ready` answers
 * (`/health/live` with `health: 'live'`); in `cwd` when given (a worker next to an installed
 * integration package).
 */
export async function startApp(
  name: string,
  entry: string,
  env: Record<string, string>,
  cwd?: string,
  nodeFlags: string[] = [],
  health: 'ready' | 'live' = 'ready',
): Promise<AppProcess> {
  const port = await freePort();
  const child = spawn(process.execPath, [...nodeOptions(name, port), ...nodeFlags, entry], {
    cwd,
    env: {
      PATH: process.env.PATH,
      KAFKA_BROKERS: required('KAFKA_BROKERS'),
      DATABASE_URL: required('DATABASE_URL'),
      PORT: String(port),
      ...cardPayments,
      ...env,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const ca = env.TLS_CERT_FILE ? readFileSync(env.TLS_CERT_FILE) : undefined;
  const app = new AppProcess(name, `${ca ? 'https' : 'http'}://127.0.0.1:${port}`, child, ca);
  running.add(app);
  await app.waitReady(30_000, health);
  return app;
}

/**
 * Load shedding answers by how busy and late this machine keeps the gateway's loop, which a
 * test shares with its workers, the broker, PostgreSQL and other suites: a burst a test sends
 * to a gateway just started could be shed on a slow machine and not on a fast one. It is off
 * unless asked for (`shedding`: the product's default), as `load-shedding.e2e-spec.ts` and the
 * benchmark do.
 */
const noShedding = { MAX_EVENT_LOOP_UTILIZATION: '1' };

export function startGateway(
  env: Record<string, string> = {},
  { shedding = false, health = 'ready' }: { shedding?: boolean; health?: 'ready' | 'live' } = {},
): Promise<AppProcess> {
  const gatewayEnv = shedding ? env : { ...noShedding, ...env };
  return startApp('gateway', appFiles.gateway, gatewayEnv, undefined, gatewayNodeFlags, health);
}

/** Tests settle provisional orders within seconds, not the production default's ten. */
const quickSettle = { ORDER_SETTLE_MS: '2000', RECONCILE_EVERY_MS: '500' };

export function startWorker(
  brand: string,
  env: Record<string, string> = {},
  cwd?: string,
): Promise<AppProcess> {
  const workerEnv = { BRAND: brand, ...quickSettle, ...env };
  return startApp(`worker ${brand}`, appFiles.worker, workerEnv, cwd);
}

/** Stops every process a test file started; for its `after` hook. */
export async function stopAll(): Promise<void> {
  await Promise.all([...running].map((app) => app.stop()));
  running.clear();
}

export function required(name: string): string {
  const value = process.env[name];
  if (!value) throw new Error(`${name} is not set: run the tests with npm test`);
  return value;
}
