import type { Server } from 'node:http';
import type { Socket } from 'node:net';
import type { SpiFailure } from '@wix-pos-gateway/contracts';
import { GatewayAnswer } from '../orders/answer-rules';

/** How often Node looks for connections past their headers' deadline (its default is 30 s). */
const CHECK_EVERY_MS = 250;

/**
 * Requests that never reach Express still get an SPI body, and in time: headers that do not
 * arrive within the order deadline get 408 `endpoint_down` at it (Node's own 408 is empty and
 * comes after 60 s), headers over Node's limit get 431 and malformed HTTP 400, not Node's empty
 * answers. Set before `listen`: Node reads the checking interval then.
 */
export function answerClientErrors(server: Server, deadlineMs: number): void {
  server.headersTimeout = Math.max(deadlineMs - CHECK_EVERY_MS, 1);
  // An option of createServer, read again at `listen` (Node's types know only the option).
  Object.assign(server, { connectionsCheckingInterval: CHECK_EVERY_MS });
  server.on('clientError', (error: NodeJS.ErrnoException, socket: Socket) => {
    const pending = (socket as Socket & { _httpMessage?: { headersSent?: boolean } })._httpMessage;
    if (error.code === 'ECONNRESET' || !socket.writable || pending?.headersSent) {
      socket.destroy();
      return;
    }
    if (error.code === 'ERR_HTTP_REQUEST_TIMEOUT') {
      socket.end(raw(408, 'Request Timeout', GatewayAnswer.headersTooSlow(deadlineMs)));
    } else if (error.code === 'HPE_HEADER_OVERFLOW') {
      socket.end(raw(431, 'Request Header Fields Too Large', GatewayAnswer.headersTooLarge()));
    } else {
      socket.end(raw(400, 'Bad Request', GatewayAnswer.malformedHttp()));
    }
  });
}

function raw(status: number, reason: string, answer: SpiFailure): string {
  const body = JSON.stringify(answer);
  return (
    `HTTP/1.1 ${status} ${reason}\r\nContent-Type: application/json; charset=utf-8\r\n` +
    `Content-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`
  );
}
