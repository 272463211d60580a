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
 * Nest's message, decoded (`percentDecoded`); a "Cannot POST /path?query" without its query,
 * which is no part of any route and may be a form's fields (`?pan=4111+1111…`), and its path
 * masked as URLs write cards.
 */
export function withoutQuery(message: string): string {
  const route = /^(Cannot \S+ )([^?]*)(\?[\s\S]*)?$/.exec(message);
  if (!route) return percentDecoded(message);
  return `${route[1]}${redactUrlText(percentDecoded(route[2]))}${route[3] ? '?…' : ''}`;
}

/**
 * Nest quotes the URL as sent ("Cannot POST /orders/4111%201111…", "Failed to decode param
 * '…'"): decoded, a card number in it is masked like any other. Of bytes that do not decode,
 * printable ASCII is kept and the rest shown as U+FFFD (an escape's hex digits would run into
 * the digits after it).
 */
export function percentDecoded(text: string): string {
  return text.replace(/(?:%[0-9a-f]{2})+/gi, (run) => {
    try {
      return decodeURIComponent(run);
    } catch {
      return run.replace(/%([0-9a-f]{2})/gi, (_escape, hex: string) => {
        const code = parseInt(hex, 16);
        return code >= 0x20 && code < 0x7f ? String.fromCharCode(code) : '\uFFFD';
      });
    }
  });
}
