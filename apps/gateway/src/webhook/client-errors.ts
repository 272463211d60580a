import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import type { Socket } from 'node:net';
import type { SpiFailure } from '@wix-pos-gateway/contracts';
import { GatewayAnswer } from '../orders/answer-rules';

/** How often Node looks for connections past their headers' deadline (its default is 30 s). */
const CHECK_EVERY_MS = 250;

/**
 * Requests that never reach Express still get an SPI body, and in time: headers that do not
 * arrive within the order deadline get 408 `endpoint_down` at it (Node's own 408 is empty and
 * comes after 60 s), headers over Node's limit get 431, malformed HTTP 400, an `Expect` it
 * cannot meet 417 and CONNECT 405, not Node's empty answers. Set before `listen`: Node reads the checking interval then.
 */
export function answerClientErrors(server: Server, deadlineMs: number): void {
  server.headersTimeout = Math.max(deadlineMs - CHECK_EVERY_MS, 1);
  // An option of createServer, read again at `listen` (Node's types know only the option).
  Object.assign(server, { connectionsCheckingInterval: CHECK_EVERY_MS });
  // Node answers an `Expect` other than 100-continue with an empty 417 unless told otherwise.
  server.on('checkExpectation', (_req: IncomingMessage, res: ServerResponse) => {
    const body = JSON.stringify(GatewayAnswer.unmetExpectation());
    res.writeHead(417, {
      'Content-Type': 'application/json; charset=utf-8',
      'Content-Length': Buffer.byteLength(body),
      Connection: 'close',
    });
    res.end(body);
  });
  // Node ends a CONNECT request's connection without a word unless told otherwise. The socket
  // is the listener's from then on, out of the server's timeouts and its count: once the
  // answers owed before it and its own are written, it is destroyed, whatever the client does.
  server.on('connect', (_req: IncomingMessage, socket: Socket) => {
    // No one else listens for this socket's errors now: a reset would throw.
    socket.on('error', () => socket.destroy());
    const answer = raw(405, 'Method Not Allowed', GatewayAnswer.tunnelRequested(), 'GET, POST');
    const unanswered = setTimeout(() => socket.destroy(), deadlineMs).unref();
    socket.once('close', () => clearTimeout(unanswered));
    afterPending(socket, () =>
      socket.writable ? socket.end(answer, () => socket.destroy()) : socket.destroy(),
    );
  });
  server.on('clientError', (error: NodeJS.ErrnoException, socket: Socket) => {
    if (error.code === 'ECONNRESET' || !socket.writable) {
      socket.destroy();
      return;
    }
    const answer =
      error.code === 'ERR_HTTP_REQUEST_TIMEOUT'
        ? raw(408, 'Request Timeout', GatewayAnswer.headersTooSlow(deadlineMs))
        : error.code === 'HPE_HEADER_OVERFLOW'
          ? raw(431, 'Request Header Fields Too Large', GatewayAnswer.headersTooLarge())
          : raw(400, 'Bad Request', GatewayAnswer.malformedHttp());
    afterPending(socket, () => (socket.writable ? socket.end(answer) : socket.destroy()));
  });
}

type Pending = {
  writableFinished: boolean;
  req?: { complete: boolean };
  once(event: 'finish', then: () => void): void;
};

/**
 * `then`, once the responses to the requests this connection sent before the bad one are all
 * written (pipelined calls: an order's answer must not be cut off by the garbage after it).
 * When the bad bytes are in the body of the request being answered (a malformed chunk), that
 * request can never end: `then` at once.
 */
function afterPending(socket: Socket, then: () => void): void {
  const pending = (socket as Socket & { _httpMessage?: Pending | null })._httpMessage;
  if (!pending || pending.writableFinished || pending.req?.complete === false) {
    then();
    return;
  }
  pending.once('finish', () => setImmediate(() => afterPending(socket, then)));
}

function raw(status: number, reason: string, answer: SpiFailure, allow?: string): string {
  const body = JSON.stringify(answer);
  return (
    `HTTP/1.1 ${status} ${reason}\r\nContent-Type: application/json; charset=utf-8\r\n` +
    (allow ? `Allow: ${allow}\r\n` : '') +
    `Content-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`
  );
}
