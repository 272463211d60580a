import { ConsoleLogger, LogLevel } from '@nestjs/common';
import { redact } from '@app/cards';

const enabled: Record<string, LogLevel[]> = {
  error: ['fatal', 'error'],
  warn: ['fatal', 'error', 'warn'],
  info: ['fatal', 'error', 'warn', 'log'],
  debug: ['fatal', 'error', 'warn', 'log', 'debug', 'verbose'],
};

/**
 * Every log line passes through `redact`: card keys are blanked and anything shaped like a card
 * number is masked to first 6 / last 4, whoever logs it — the app, kafkajs or an integration.
 */
class RedactingLogger extends ConsoleLogger {
  override log(message: unknown, ...rest: unknown[]): void {
    super.log(redact(message), ...rest.map(redact));
  }
  override error(message: unknown, ...rest: unknown[]): void {
    super.error(redact(message), ...rest.map(redact));
  }
  override warn(message: unknown, ...rest: unknown[]): void {
    super.warn(redact(message), ...rest.map(redact));
  }
  override debug(message: unknown, ...rest: unknown[]): void {
    super.debug(redact(message), ...rest.map(redact));
  }
  override verbose(message: unknown, ...rest: unknown[]): void {
    super.verbose(redact(message), ...rest.map(redact));
  }
  override fatal(message: unknown, ...rest: unknown[]): void {
    super.fatal(redact(message), ...rest.map(redact));
  }
}

/** One JSON object per line, for log shippers; `LOG_LEVEL` picks how much. */
export function createLogger(level: string): ConsoleLogger {
  return new RedactingLogger({
    json: true,
    colors: false,
    logLevels: enabled[level] ?? enabled.info,
  });
}
