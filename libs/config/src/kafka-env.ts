import { readFileSync } from 'node:fs';
import { Expose, Transform } from 'class-transformer';
import { IsIn, IsInt, IsString, Matches, Max, Min } from 'class-validator';
import { invalidConfiguration, toInt } from './load-config';

/** Variables every process that talks to Kafka reads. */
export class KafkaEnv {
  /** Comma-separated `host:port` list. */
  @Expose()
  @IsString()
  @Matches(/^[^,\s]+(,[^,\s]+)*$/, { message: 'KAFKA_BROKERS must be host:port[,host:port…]' })
  KAFKA_BROKERS = '127.0.0.1:9092';

  /** Replication factor of the topics this project creates, 1–5; `auto`: 3, or the cluster's brokers if fewer. */
  @Expose()
  @Matches(/^(auto|[1-5])$/, { message: 'KAFKA_REPLICATION_FACTOR must be auto or 1–5' })
  KAFKA_REPLICATION_FACTOR = 'auto';

  /** `min.insync.replicas` of those topics, 1–5; `auto`: 2 when replicated 3 times or more, else 1. */
  @Expose()
  @Matches(/^(auto|[1-5])$/, { message: 'KAFKA_MIN_INSYNC_REPLICAS must be auto or 1–5' })
  KAFKA_MIN_INSYNC_REPLICAS = 'auto';

  /**
   * How long a fetch of orders or replies waits when there is nothing to read; kafkajs's 5 s
   * default stalls replies. A worker's answers consumer waits 250 ms instead, to read in batches.
   */
  @Expose()
  @Transform(toInt)
  @IsInt()
  @Min(10)
  @Max(5_000)
  KAFKA_MAX_WAIT_MS = 100;

  /** TLS to the brokers: `on` or `off`. */
  @Expose()
  @IsIn(['on', 'off'])
  KAFKA_SSL: 'on' | 'off' = 'off';

  /** PEM file of the CA certificates the brokers' certificates are checked against; unset: the system's. */
  @Expose()
  @IsString()
  KAFKA_SSL_CA_FILE = '';

  /** SASL to the brokers: `scram-sha-512`, `scram-sha-256`, or `plain` (only with KAFKA_SSL=on); unset: none. */
  @Expose()
  @IsIn(['', 'scram-sha-512', 'scram-sha-256', 'plain'])
  KAFKA_SASL_MECHANISM: '' | 'scram-sha-512' | 'scram-sha-256' | 'plain' = '';

  /** The SASL user this process authenticates as. */
  @Expose()
  @IsString()
  KAFKA_SASL_USERNAME = '';

  /** Never logged; or KAFKA_SASL_PASSWORD_FILE, a file that holds it (a mounted secret). */
  @Expose()
  @IsString()
  KAFKA_SASL_PASSWORD = '';

  /** A file that holds the SASL password (a mounted secret), instead of KAFKA_SASL_PASSWORD. */
  @Expose()
  @IsString()
  KAFKA_SASL_PASSWORD_FILE = '';

  /** The least severe log lines written (one JSON object per line). */
  @Expose()
  @IsIn(['error', 'warn', 'info', 'debug'])
  LOG_LEVEL: 'error' | 'warn' | 'info' | 'debug' = 'info';

  get kafkaBrokers(): string[] {
    return this.KAFKA_BROKERS.split(',');
  }
}

export type LogLevel = KafkaEnv['LOG_LEVEL'];

/** TLS and SASL as kafkajs takes them (`ssl`, `sasl` of its client config). */
export interface KafkaSecurity {
  ssl?: true | { ca: string[] };
  sasl?: KafkaSasl<'scram-sha-512'> | KafkaSasl<'scram-sha-256'> | KafkaSasl<'plain'>;
}

interface KafkaSasl<M extends string> {
  mechanism: M;
  username: string;
  password: string;
}

/** How a process reaches Kafka, grouped from its `KafkaEnv`. */
export interface KafkaSettings {
  brokers: string[];
  /** Names the process to the brokers (and in their logs). */
  clientId: string;
  replicationFactor: number | 'auto';
  minInsyncReplicas: number | 'auto';
  maxWaitMs: number;
  /** Empty: plaintext, no authentication. */
  security: KafkaSecurity;
}

export function kafkaSettings(env: KafkaEnv, clientId: string): KafkaSettings {
  return {
    brokers: env.kafkaBrokers,
    clientId,
    replicationFactor: autoOr(env.KAFKA_REPLICATION_FACTOR),
    minInsyncReplicas: autoOr(env.KAFKA_MIN_INSYNC_REPLICAS),
    maxWaitMs: env.KAFKA_MAX_WAIT_MS,
    security: kafkaSecurity(env),
  };
}

function autoOr(value: string): number | 'auto' {
  return value === 'auto' ? 'auto' : Number(value);
}

/**
 * TLS and SASL from the environment, checked as a whole: a mechanism needs a user and a
 * password, PLAIN needs TLS, files must be readable. Problems name variables, never values.
 */
export function kafkaSecurity(env: KafkaEnv): KafkaSecurity {
  const problems: string[] = [];
  const read = (variable: string, path: string) => {
    try {
      return readFileSync(path, 'utf8');
    } catch (error) {
      const code = (error as { code?: unknown }).code;
      problems.push(
        `${variable}: cannot read the file (${typeof code === 'string' ? code : 'unreadable'})`,
      );
      return '';
    }
  };
  const tls = env.KAFKA_SSL === 'on';
  if (!tls && env.KAFKA_SSL_CA_FILE) problems.push('KAFKA_SSL_CA_FILE: set, but KAFKA_SSL is off');
  const ca = tls && env.KAFKA_SSL_CA_FILE ? read('KAFKA_SSL_CA_FILE', env.KAFKA_SSL_CA_FILE) : '';
  if (ca && !ca.includes('-----BEGIN CERTIFICATE-----')) {
    problems.push('KAFKA_SSL_CA_FILE: holds no PEM certificate');
  }

  const mechanism = env.KAFKA_SASL_MECHANISM;
  let password = env.KAFKA_SASL_PASSWORD;
  if (env.KAFKA_SASL_PASSWORD_FILE) {
    if (password) problems.push('KAFKA_SASL_PASSWORD_FILE: set together with KAFKA_SASL_PASSWORD');
    password = read('KAFKA_SASL_PASSWORD_FILE', env.KAFKA_SASL_PASSWORD_FILE).replace(/\r?\n$/, '');
  }
  if (mechanism) {
    if (!env.KAFKA_SASL_USERNAME) problems.push(`KAFKA_SASL_USERNAME: ${mechanism} needs a user`);
    if (!password) problems.push(`KAFKA_SASL_PASSWORD: ${mechanism} needs a password`);
    if (mechanism === 'plain' && !tls) {
      problems.push(
        'KAFKA_SASL_MECHANISM: plain sends the password in clear; it needs KAFKA_SSL=on',
      );
    }
  } else if (env.KAFKA_SASL_USERNAME || password) {
    problems.push('KAFKA_SASL_MECHANISM: a user or password is set, but no mechanism');
  }
  if (problems.length > 0) throw invalidConfiguration(problems);
  return {
    ...(tls ? { ssl: ca ? { ca: [ca] } : true } : {}),
    ...(mechanism ? { sasl: { mechanism, username: env.KAFKA_SASL_USERNAME, password } } : {}),
  };
}
