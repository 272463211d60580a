import { Logger } from '@nestjs/common';
import { PosLog } from '@wix-pos-gateway/pos-sdk';

/** An integration's log lines, in the worker's log, tagged with brand and integration. */
export function posLog(brand: string, integration: string): PosLog {
  const logger = new Logger(`integration:${integration}`);
  const line = (event: string, fields?: Record<string, unknown>) => ({
    event,
    brand,
    integration,
    ...fields,
  });
  return {
    info: (event, fields) => logger.log(line(event, fields)),
    warn: (event, fields) => logger.warn(line(event, fields)),
    error: (event, fields) => logger.error(line(event, fields)),
  };
}
