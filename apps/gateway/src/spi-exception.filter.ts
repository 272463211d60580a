import { ArgumentsHost, Catch, ExceptionFilter, HttpException, Logger } from '@nestjs/common';
import type { Request, Response } from 'express';
import { redactUrlText } from '@wix-pos-gateway/cards';
import { randomUUID } from 'node:crypto';
import { GatewayAnswer } from './orders/answer-rules';

/** Whatever goes wrong, the caller gets an SPI error body; unexpected errors get an id to grep for. */
@Catch()
export class SpiExceptionFilter implements ExceptionFilter {
  private readonly logger = new Logger(SpiExceptionFilter.name);

  catch(exception: unknown, host: ArgumentsHost): void {
    const http = host.switchToHttp();
    const res = http.getResponse<Response>();
    // Health checks answer in their own format (terminus), for probes and orchestrators.
    if (
      exception instanceof HttpException &&
      http.getRequest<Request>().path.startsWith('/health')
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

/**
 * Nest's message, masked as URLs write cards (`redactUrlText`: decoded as often as it was
 * escaped); a "Cannot POST /path?query" without its query, which is no part of any route and
 * may be a form's fields (`?pan=4111+1111…`).
 */
export function withoutQuery(message: string): string {
  const route = /^(\s*cannot\s+\S*\s+[^?]*)(\?[\s\S]*)?$/i.exec(message);
  if (!route) return redactUrlText(message);
  return `${redactUrlText(route[1])}${route[2] ? '?…' : ''}`;
}
