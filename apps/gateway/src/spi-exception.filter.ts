import {
  ArgumentsHost,
  Catch,
  ExceptionFilter,
  HttpException,
  Logger,
  ServiceUnavailableException,
} from '@nestjs/common';
import type { Request, Response } from 'express';
import { withoutQuery } from '@wix-pos-gateway/cards';
import { randomUUID } from 'node:crypto';
import { GatewayAnswer } from './orders/answer-rules';

/** Whatever goes wrong, the caller gets an SPI error body; unexpected errors get an id to grep for. */
@Catch()
export class SpiExceptionFilter implements ExceptionFilter {
  private readonly logger = new Logger(SpiExceptionFilter.name);

  catch(exception: unknown, host: ArgumentsHost): void {
    const http = host.switchToHttp();
    const res = http.getResponse<Response>();
    // A failed health check answers in its own format (terminus), for probes and orchestrators;
    // anything else under /health, such as "Cannot GET /health/…?…", is an SPI error as elsewhere.
    if (
      exception instanceof ServiceUnavailableException &&
      HEALTH_CHECKS.test(http.getRequest<Request>().path)
    ) {
      res.status(exception.getStatus()).json(exception.getResponse());
      return;
    }
    if (exception instanceof HttpException) {
      const message = withoutQuery(exception.message);
      res.status(exception.getStatus()).json(GatewayAnswer.httpError(message));
      return;
    }
    const errorId = randomUUID();
    const name = exception instanceof Error ? exception.name : typeof exception;
    this.logger.error(`unexpected ${name} (error id ${errorId})`);
    res.status(500).json(GatewayAnswer.internalError(errorId));
  }
}

/** The routes of the health checks (`HealthController`), as Express matches them. */
const HEALTH_CHECKS = /^\/health\/(live|ready)\/?$/i;
