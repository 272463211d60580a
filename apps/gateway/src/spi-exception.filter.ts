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
 * Nest's message, decoded (`percentDecoded`, as often as it was escaped) and masked as URLs
 * write cards; a "Cannot POST /path?query" without its query, which is no part of any route and
 * may be a form's fields (`?pan=4111+1111…`).
 */
export function withoutQuery(message: string): string {
  const route = /^(\s*cannot\s+\S*\s+[^?]*)(\?[\s\S]*)?$/i.exec(message);
  if (!route) return redactUrlText(decodedFully(message));
  return `${redactUrlText(decodedFully(route[1]))}${route[2] ? '?…' : ''}`;
}

/** `text` decoded until no escape is left, or three times (`%2520` is a space escaped twice). */
function decodedFully(text: string): string {
  let decoded = text;
  for (let i = 0; i < 3; i++) {
    const next = percentDecoded(decoded);
    if (next === decoded) break;
    decoded = next;
  }
  return decoded;
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
