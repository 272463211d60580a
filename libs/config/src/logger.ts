import { ConsoleLogger, LogLevel } from '@nestjs/common';

const enabled: Record<string, LogLevel[]> = {
  error: ['fatal', 'error'],
  warn: ['fatal', 'error', 'warn'],
  info: ['fatal', 'error', 'warn', 'log'],
  debug: ['fatal', 'error', 'warn', 'log', 'debug', 'verbose'],
};

/** One JSON object per line, for log shippers; `LOG_LEVEL` picks how much. */
export function createLogger(level: string): ConsoleLogger {
  return new ConsoleLogger({
    json: true,
    colors: false,
    logLevels: enabled[level] ?? enabled.info,
  });
}
