import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { freePort } from './containers';

const run = promisify(execFile);
const script = resolve(__dirname, '../../../scripts/kafka/kafka.sh');

/**
 * A Kafka broker of a test's own (`scripts/kafka/kafka.sh` on free ports), for tests that stop
 * the broker: the shared one must keep serving the other tests.
 */
export class PrivateBroker {
  private constructor(
    readonly url: string,
    private readonly env: NodeJS.ProcessEnv,
    private readonly dir: string,
  ) {}

  static async start(): Promise<PrivateBroker> {
    const dir = mkdtempSync(join(tmpdir(), 'kafka-'));
    const [port, controller] = [await freePort(), await freePort()];
    const env = {
      ...process.env,
      KAFKA_PORT: String(port),
      KAFKA_CONTROLLER_PORT: String(controller),
      KAFKA_DATA_DIR: dir,
      KAFKA_HEAP: '256m',
    };
    await run('bash', [script, 'start'], { env });
    return new PrivateBroker(`127.0.0.1:${port}`, env, dir);
  }

  /** Starts it again after `stop()`, with its data. */
  async restart(): Promise<void> {
    await run('bash', [script, 'start'], { env: this.env });
  }

  async stop(): Promise<void> {
    await run('bash', [script, 'stop'], { env: this.env });
  }

  async remove(): Promise<void> {
    await this.stop();
    rmSync(this.dir, { recursive: true, force: true });
  }
}
