import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { appFiles } from './app-files';
import { freePort } from './containers';

interface Node {
  id: number;
  port: number;
  env: NodeJS.ProcessEnv;
  dir: string;
}

/**
 * A KRaft cluster of its own: `scripts/kafka/kafka.sh` once per node, on free ports, each node
 * a broker and a controller, with data in a temporary directory. For the tests that kill its
 * brokers one at a time.
 */
export class PrivateCluster {
  private constructor(
    private readonly nodes: Node[],
    private readonly dir: string,
  ) {}

  static async start(size = 3, heap = '256m'): Promise<PrivateCluster> {
    const dir = mkdtempSync(join(tmpdir(), 'kafka-cluster-'));
    const ports = new Set<number>();
    while (ports.size < 2 * size) ports.add(await freePort());
    const [clients, controllers] = [[...ports].slice(0, size), [...ports].slice(size)];
    const voters = controllers.map((port, i) => `${i + 1}@127.0.0.1:${port}`).join(',');
    // Kafka's own ids never start with '-', which its tools would take for an option.
    let clusterId = randomBytes(16).toString('base64url');
    while (clusterId.startsWith('-')) clusterId = randomBytes(16).toString('base64url');
    const nodes = clients.map((port, i) => {
      const nodeDir = join(dir, `node-${i + 1}`);
      const env = {
        ...process.env,
        KAFKA_DATA_DIR: nodeDir,
        KAFKA_PORT: String(port),
        KAFKA_CONTROLLER_PORT: String(controllers[i]),
        KAFKA_NODE_ID: String(i + 1),
        KAFKA_QUORUM_VOTERS: voters,
        KAFKA_CLUSTER_ID: clusterId,
        KAFKA_INTERNAL_RF: String(Math.min(3, size)),
        KAFKA_HEAP: heap,
      };
      return { id: i + 1, port, env, dir: nodeDir };
    });
    const cluster = new PrivateCluster(nodes, dir);
    try {
      // Once, before the nodes: three fetches of the jars at once would share one directory.
      await cluster.kafkaSh(nodes[0], 'fetch');
      // A node starts only once a quorum of controllers is up: all of them at once.
      await Promise.all(nodes.map((node) => cluster.kafkaSh(node, 'start')));
    } catch (error) {
      await cluster.remove();
      throw error;
    }
    return cluster;
  }

  /** Every node's address, as `KAFKA_BROKERS` takes them. */
  get url(): string {
    return this.nodes.map((node) => `127.0.0.1:${node.port}`).join(',');
  }

  /** `kill -9` of a node's process. */
  kill(id: number): void {
    const node = this.node(id);
    process.kill(Number(readFileSync(join(node.dir, 'kafka.pid'), 'utf8')), 'SIGKILL');
  }

  /** Starts a node again, with its data. */
  async restart(id: number): Promise<void> {
    await this.kafkaSh(this.node(id), 'start');
  }

  async remove(): Promise<void> {
    await Promise.all(this.nodes.map((node) => this.kafkaSh(node, 'stop').catch(() => undefined)));
    rmSync(this.dir, { recursive: true, force: true });
  }

  private node(id: number): Node {
    const node = this.nodes.find((n) => n.id === id);
    if (!node) throw new Error(`no node ${id}`);
    return node;
  }

  private kafkaSh(node: Node, command: 'fetch' | 'start' | 'stop'): Promise<void> {
    const child = spawn('bash', [appFiles.kafkaScript, command], {
      env: node.env,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
    return new Promise((resolve, reject) => {
      child.once('error', reject);
      child.once('exit', (code, signal) => {
        if (code === 0) resolve();
        else
          reject(
            new Error(
              `kafka.sh ${command} of node ${node.id} failed (${code ?? signal}):\n${output}`,
            ),
          );
      });
    });
  }
}
