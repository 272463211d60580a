import { ArgumentsHost, Catch, ExceptionFilter, HttpException, Logger } from '@nestjs/common';
import type { Request, Response } from 'express';
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
      res.status(exception.getStatus()).json(GatewayAnswer.httpError(exception.message));
      return;
    }
    const errorId = randomUUID();
    const name = exception instanceof Error ? exception.name : typeof exception;
    this.logger.error(`unexpected ${name} (error id ${errorId})`);
    res.status(500).json(GatewayAnswer.internalError(errorId));
  }
}
