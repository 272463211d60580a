import { Expose, Transform } from 'class-transformer';
import { IsIn, IsInt, IsString, Matches, Max, Min } from 'class-validator';
import { toInt } from './load-config';

/** Variables every process that talks to Kafka reads. */
export class KafkaEnv {
  /** Comma-separated `host:port` list. */
  @Expose()
  @IsString()
  @Matches(/^[^,\s]+(,[^,\s]+)*$/, { message: 'KAFKA_BROKERS must be host:port[,host:port…]' })
  KAFKA_BROKERS = '127.0.0.1:9092';

  /** Replication factor of the topics this project creates. */
  @Expose()
  @Transform(toInt)
  @IsInt()
  @Min(1)
  @Max(5)
  KAFKA_REPLICATION_FACTOR = 1;

  /** How long a fetch waits when there is nothing to read; kafkajs's 5 s default stalls replies. */
  @Expose()
  @Transform(toInt)
  @IsInt()
  @Min(10)
  @Max(5_000)
  KAFKA_MAX_WAIT_MS = 100;

  /** The least severe log lines written (one JSON object per line). */
  @Expose()
  @IsIn(['error', 'warn', 'info', 'debug'])
  LOG_LEVEL: 'error' | 'warn' | 'info' | 'debug' = 'info';

  get kafkaBrokers(): string[] {
    return this.KAFKA_BROKERS.split(',');
  }
}

export type LogLevel = KafkaEnv['LOG_LEVEL'];

/** How a process reaches Kafka, grouped from its `KafkaEnv`. */
export interface KafkaSettings {
  brokers: string[];
  /** Names the process to the brokers (and in their logs). */
  clientId: string;
  replicationFactor: number;
  maxWaitMs: number;
}

export function kafkaSettings(env: KafkaEnv, clientId: string): KafkaSettings {
  return {
    brokers: env.kafkaBrokers,
    clientId,
    replicationFactor: env.KAFKA_REPLICATION_FACTOR,
    maxWaitMs: env.KAFKA_MAX_WAIT_MS,
  };
}
