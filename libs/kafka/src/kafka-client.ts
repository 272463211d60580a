import { Logger } from '@nestjs/common';
import {
  Consumer,
  ConsumerRunConfig,
  Kafka,
  KafkaConfig,
  logLevel,
  LogEntry,
  Partitioners,
  Producer,
  RetryOptions,
} from 'kafkajs';
import { mendRequestQueue } from './request-queue-timer';

/** TLS and SASL to the brokers, as kafkajs takes them; empty: plaintext, no authentication. */
export type KafkaSecurity = Pick<KafkaConfig, 'ssl' | 'sasl'>;

const levels: Record<string, logLevel> = {
  error: logLevel.ERROR,
  warn: logLevel.WARN,
  info: logLevel.WARN,
  debug: logLevel.INFO,
};

/**
 * Broker answers that kafkajs logs at error level, then retries: a fresh broker gives them while
 * it creates its internal topics, so every first start showed them. Should the retries run out,
 * kafkajs reports the failure itself (a producer's error, a consumer's crash), still at error.
 */
const RETRIED_WHILE_STARTING = [
  'The group coordinator is not available',
  "The coordinator is loading and hence can't process requests for this group",
  'This is not the correct coordinator for this group',
  'There is no leader for this topic-partition as we are in the middle of a leadership election',
];

/**
 * The level a kafkajs log line is written at. A consumer's crash is reported by the consumer's
 * own CRASH listener (at error when kafkajs gives up, at warn when it restarts the consumer), so
 * kafkajs's "Crash" line is a warning, and its "Restarting the consumer" line a detail.
 */
export function levelOf(entryLevel: logLevel, message: string, extra: object): logLevel {
  if (entryLevel > logLevel.ERROR) return entryLevel;
  const error = 'error' in extra ? String(extra.error) : '';
  if (RETRIED_WHILE_STARTING.includes(error)) return logLevel.DEBUG;
  if (message.startsWith('Restarting the consumer')) return logLevel.DEBUG;
  if (message.startsWith('Crash: ')) {
    const retried = RETRIED_WHILE_STARTING.some((answer) => message.endsWith(answer));
    return retried ? logLevel.DEBUG : logLevel.WARN;
  }
  return entryLevel;
}

/**
 * kafkajs retries connections, metadata and coordinator lookups (and admin requests) about 23 s
 * in all, never waiting more than 2 s; a consumer's own steps retry 5 times over this. Its
 * default let a wait grow past 20 s by the eighth try: a consumer asleep in one when the broker
 * came back rejoined only that much later, and one whose retries ran out was restarted only
 * after as long again.
 */
const KAFKA_RETRY: RetryOptions = { initialRetryTime: 100, maxRetryTime: 2_000, retries: 15 };

/**
 * A kafkajs client whose own logs go through Nest's logger, at warn unless debugging. `retry`
 * replaces `KAFKA_RETRY` for a caller that cannot wait so long.
 */
export function createKafka(
  clientId: string,
  brokers: string[],
  level: string,
  security: KafkaSecurity = {},
  retry: RetryOptions = KAFKA_RETRY,
): Kafka {
  mendRequestQueue();
  const logger = new Logger('kafkajs');
  return new Kafka({
    clientId,
    brokers,
    ...security,
    logLevel: levels[level] ?? logLevel.WARN,
    retry,
    logCreator:
      () =>
      ({ level: entryLevel, log }: LogEntry) => {
        const { message, ...extra } = log;
        const line = `${message} ${JSON.stringify(extra)}`;
        const at = levelOf(entryLevel, message, extra);
        if (at <= logLevel.ERROR) logger.error(line);
        else if (at === logLevel.WARN) logger.warn(line);
        else if (at === logLevel.INFO) logger.log(line);
        else logger.debug(line);
      },
  });
}

/**
 * Connects `consumer`, subscribes it to `topic` from the beginning and runs it. One that fails
 * to start is disconnected, so that a new one can be tried.
 */
export async function runConsumer(
  consumer: Consumer,
  topic: string,
  config: ConsumerRunConfig,
): Promise<void> {
  try {
    await consumer.connect();
    await consumer.subscribe({ topic, fromBeginning: true });
    await consumer.run(config);
  } catch (error) {
    await consumer.disconnect().catch(() => undefined);
    throw error;
  }
}

/**
 * A producer that never creates topics. It partitions keys as Java clients do (murmur2), which
 * is kafkajs 2's default: naming it spares every start kafkajs's warning that the default changed.
 *
 * It makes one attempt per send: `SendQueue` retries the whole batch. kafkajs's own retry of a
 * batch that spans brokers resends only to the brokers that have not answered yet, so a
 * partition whose leadership moved to a broker that had answered is never written, and the
 * send still succeeds (kafkajs 2.2.4, `producer/sendMessages.js`).
 */
export function createProducer(kafka: Kafka): Producer {
  return kafka.producer({
    allowAutoTopicCreation: false,
    createPartitioner: Partitioners.DefaultPartitioner,
    retry: { retries: 0 },
  });
}
