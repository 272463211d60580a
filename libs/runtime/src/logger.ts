import { LoggerService } from '@nestjs/common';
import { redact } from '@wix-pos-gateway/cards';
import pino, { DestinationStream, Level, Logger as Pino } from 'pino';
import { prettyLines } from './pretty-lines';

/**
 * Nest's, kafkajs's and integrations' log calls as pino JSON lines. Every line passes through
 * `redact` first: card keys are blanked and anything shaped like a card number is masked to
 * first 6 / last 4, whoever logs it.
 */
export class JsonLogger implements LoggerService {
  constructor(private readonly pino: Pino) {}

  log(message: unknown, ...rest: unknown[]): void {
    this.write('info', message, rest);
  }
  error(message: unknown, ...rest: unknown[]): void {
    this.write('error', message, rest);
  }
  warn(message: unknown, ...rest: unknown[]): void {
    this.write('warn', message, rest);
  }
  debug(message: unknown, ...rest: unknown[]): void {
    this.write('debug', message, rest);
  }
  verbose(message: unknown, ...rest: unknown[]): void {
    this.write('trace', message, rest);
  }
  fatal(message: unknown, ...rest: unknown[]): void {
    this.write('fatal', message, rest);
  }

  /** Nest passes the context last, and an error's stack before it. */
  private write(level: Level, message: unknown, rest: unknown[]): void {
    if (!this.pino.isLevelEnabled(level)) return;
    const params = rest.filter((param) => param !== undefined);
    const context = typeof params.at(-1) === 'string' ? params.pop() : undefined;
    const fields =
      message instanceof Error
        ? { msg: message.message, err: message }
        : typeof message === 'object' && message !== null
          ? message
          : { msg: message };
    const line = { context, ...fields, ...(params.length > 0 ? { details: params } : {}) };
    this.pino[level](redact(line) as object);
  }
}

/**
 * One JSON object per line, for log shippers; lines for people instead when stdout is a
 * terminal (`npm start`). `LOG_LEVEL` picks how much.
 */
export function createLogger(
  level: string,
  destination: DestinationStream | undefined = process.stdout.isTTY
    ? prettyLines(process.stdout)
    : undefined,
): JsonLogger {
  const options = {
    level: ['error', 'warn', 'info', 'debug'].includes(level) ? level : 'info',
    timestamp: pino.stdTimeFunctions.isoTime,
    formatters: { level: (label: string) => ({ level: label }) },
  };
  return new JsonLogger(destination ? pino(options, destination) : pino(options));
}
