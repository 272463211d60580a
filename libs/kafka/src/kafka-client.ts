import { Logger } from '@nestjs/common';
import { Kafka, logLevel, LogEntry, RetryOptions } from 'kafkajs';

const levels: Record<string, logLevel> = {
  error: logLevel.ERROR,
  warn: logLevel.WARN,
  info: logLevel.WARN,
  debug: logLevel.INFO,
};

/**
 * A kafkajs client whose own logs go through Nest's logger, at warn unless debugging. `retry`
 * replaces the default of 8 retries (about 25 s in all) for a caller that cannot wait so long.
 */
export function createKafka(
  clientId: string,
  brokers: string[],
  level: string,
  retry: RetryOptions = { initialRetryTime: 100, retries: 8 },
): Kafka {
  const logger = new Logger('kafkajs');
  return new Kafka({
    clientId,
    brokers,
    logLevel: levels[level] ?? logLevel.WARN,
    retry,
    logCreator:
      () =>
      ({ level: entryLevel, log }: LogEntry) => {
        const { message, ...extra } = log;
        const line = `${message} ${JSON.stringify(extra)}`;
        if (entryLevel <= logLevel.ERROR) logger.error(line);
        else if (entryLevel === logLevel.WARN) logger.warn(line);
        else logger.log(line);
      },
  });
}
