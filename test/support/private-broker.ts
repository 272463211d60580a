import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { appFiles } from './app-files';
import { freePort } from './containers';

export interface BrokerOptions {
  heap?: string;
  /** Show kafka.sh's own lines (the first run resolves Kafka from Maven Central, which takes a while). */
  verbose?: boolean;
}

/**
 * A Kafka broker of its own (`scripts/kafka/kafka.sh` on free ports, data in a temporary
 * directory): the run's broker when there is neither KAFKA_BROKERS nor Docker, and the broker of
 * a test that stops it, for the shared one must keep serving the other tests.
 */
export class PrivateBroker {
  private constructor(
    readonly url: string,
    private readonly env: NodeJS.ProcessEnv,
    private readonly dir: string,
    private readonly verbose: boolean,
  ) {}

  static async start(options: BrokerOptions = {}): Promise<PrivateBroker> {
    const broker = await PrivateBroker.create(options);
    await broker.restart();
    return broker;
  }

  /** Its ports and directory, before it starts. */
  static async create({ heap = '256m', verbose = false }: BrokerOptions = {}) {
    const dir = mkdtempSync(join(tmpdir(), 'kafka-'));
    const port = await freePort();
    let controller = await freePort();
    while (controller === port) controller = await freePort();
    const env = {
      ...process.env,
      KAFKA_PORT: String(port),
      KAFKA_CONTROLLER_PORT: String(controller),
      KAFKA_DATA_DIR: dir,
      KAFKA_HEAP: heap,
    };
    return new PrivateBroker(`127.0.0.1:${port}`, env, dir, verbose);
  }

  /** Starts it (again after `stop()`, with its data). */
  async restart(): Promise<void> {
    await this.kafkaSh('start');
  }

  async stop(): Promise<void> {
    await this.kafkaSh('stop');
  }

  /** Kills it at once (SIGKILL), as a crash would; `restart()` brings it back with its data. */
  async kill(): Promise<void> {
    const pid = Number(readFileSync(join(this.dir, 'kafka.pid'), 'utf8'));
    process.kill(pid, 'SIGKILL');
    for (const until = Date.now() + 10_000; alive(pid); await sleep(20)) {
      if (Date.now() > until) throw new Error(`the broker (pid ${pid}) outlived SIGKILL`);
    }
  }

  async remove(): Promise<void> {
    await this.stop();
    rmSync(this.dir, { recursive: true, force: true });
  }

  private kafkaSh(command: 'start' | 'stop'): Promise<void> {
    const child = spawn('bash', [appFiles.kafkaScript, command], {
      env: this.env,
      stdio: ['ignore', this.verbose ? 'inherit' : 'pipe', this.verbose ? 'inherit' : 'pipe'],
    });
    let output = '';
    child.stdout?.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.stderr?.on('data', (chunk: Buffer) => (output += chunk.toString()));
    return new Promise((resolve, reject) => {
      child.once('error', reject);
      child.once('exit', (code, signal) => {
        if (code === 0) resolve();
        else reject(new Error(`kafka.sh ${command} failed (${code ?? signal}):\n${output}`));
      });
    });
  }
}

/** Running: a zombie (killed, not yet reaped by whoever adopted it) is not. */
export function alive(pid: number): boolean {
  try {
    return !/^\d+ \(.*\) Z/.test(readFileSync(`/proc/${pid}/stat`, 'utf8'));
  } catch {
    return false;
  }
}
