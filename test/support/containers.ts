import { createServer } from 'node:net';
import { DatabaseControlSpec } from './database-control';

/**
 * Kafka and PostgreSQL for a machine with Docker and nothing else: started only when
 * `KAFKA_BROKERS` / `DATABASE_URL` are not given. The broker runs Apache Kafka's official
 * image as a single KRaft node, configured like scripts/kafka/server.properties.
 */
export const KAFKA_IMAGE = 'apache/kafka:4.1.1';
export const POSTGRES_IMAGE = 'postgres:17-alpine';

export interface Started {
  url: string;
  stop: () => Promise<void>;
  /** For a database: how a test stops and starts it. */
  control?: DatabaseControlSpec;
}

/**
 * Whether testcontainers finds a container runtime (Docker, Podman, …) to talk to. Without
 * testcontainers installed (an optional peer of the conformance kit), there is none to use.
 */
export async function dockerReachable(): Promise<boolean> {
  const testcontainers = await import('testcontainers').catch(() => undefined);
  if (!testcontainers) return false;
  return testcontainers.getContainerRuntimeClient().then(
    () => true,
    () => false,
  );
}

export async function startKafkaContainer(): Promise<Started> {
  const { GenericContainer, Wait } = await import('testcontainers');
  const port = await freePort();
  const container = await new GenericContainer(KAFKA_IMAGE)
    .withExposedPorts({ container: 9092, host: port })
    .withEnvironment({
      KAFKA_NODE_ID: '1',
      KAFKA_PROCESS_ROLES: 'broker,controller',
      KAFKA_LISTENERS: 'PLAINTEXT://:9092,CONTROLLER://:9093',
      KAFKA_ADVERTISED_LISTENERS: `PLAINTEXT://127.0.0.1:${port}`,
      KAFKA_CONTROLLER_LISTENER_NAMES: 'CONTROLLER',
      KAFKA_LISTENER_SECURITY_PROTOCOL_MAP: 'CONTROLLER:PLAINTEXT,PLAINTEXT:PLAINTEXT',
      KAFKA_CONTROLLER_QUORUM_VOTERS: '1@localhost:9093',
      KAFKA_OFFSETS_TOPIC_REPLICATION_FACTOR: '1',
      KAFKA_TRANSACTION_STATE_LOG_REPLICATION_FACTOR: '1',
      KAFKA_TRANSACTION_STATE_LOG_MIN_ISR: '1',
      KAFKA_SHARE_COORDINATOR_STATE_TOPIC_REPLICATION_FACTOR: '1',
      KAFKA_SHARE_COORDINATOR_STATE_TOPIC_MIN_ISR: '1',
      KAFKA_GROUP_INITIAL_REBALANCE_DELAY_MS: '0',
      KAFKA_AUTO_CREATE_TOPICS_ENABLE: 'false',
      KAFKA_NUM_NETWORK_THREADS: '1',
      KAFKA_NUM_IO_THREADS: '2',
    })
    .withWaitStrategy(Wait.forLogMessage(/Kafka Server started/))
    .withStartupTimeout(120_000)
    .start();
  return { url: `127.0.0.1:${port}`, stop: async () => void (await container.stop()) };
}

/** On a fixed host port, so that the container, stopped and started again by a test, keeps it. */
export async function startPostgresContainer(): Promise<Started> {
  const { GenericContainer, Wait } = await import('testcontainers');
  const port = await freePort();
  const container = await new GenericContainer(POSTGRES_IMAGE)
    .withExposedPorts({ container: 5432, host: port })
    .withEnvironment({ POSTGRES_PASSWORD: 'test' })
    // The image's entry point runs a server once to initialise, then the real one.
    .withWaitStrategy(Wait.forLogMessage(/database system is ready to accept connections/, 2))
    .withStartupTimeout(120_000)
    .start();
  return {
    url: `postgres://postgres:test@127.0.0.1:${port}/postgres`,
    stop: async () => void (await container.stop()),
    control: { kind: 'container', id: container.getId() },
  };
}

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => resolve(typeof address === 'object' && address ? address.port : 0));
    });
  });
}
