import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import type { Socket } from 'node:net';

/** How long past an order's deadline a call still in flight at shutdown is waited for. */
const DRAIN_MARGIN_MS = 1_000;

/**
 * A graceful stop that ends. `server.close()` stops listening and closes the idle connections,
 * but a connection busy at that instant stays open after its answer, and a caller that keeps
 * it alive can go on sending orders to a gateway that is stopping, for as long as it likes.
 * From `close()` on, the last answer each open connection owes — to a call in flight, or to one
 * that still comes — says `Connection: close` (only the last: Node closes the connection after
 * it, and an answer to a call pipelined behind it would be lost). At the order's deadline plus a
 * margin every connection still open is closed, one still in its TLS handshake too, so that the
 * stop ends within it.
 */
export function drainOnClose(server: Server, deadlineMs: number): void {
  const sockets = new Set<Socket>();
  /** Each connection's latest call, until it is answered. */
  const latest = new Map<Socket, ServerResponse>();
  let draining = false;
  server.on('connection', (socket: Socket) => {
    sockets.add(socket);
    socket.once('close', () => sockets.delete(socket));
  });
  // Before Express's own listener, so that an answer it writes at once is marked too.
  server.prependListener('request', (req: IncomingMessage, res: ServerResponse) => {
    const socket = req.socket;
    const before = latest.get(socket);
    latest.set(socket, res);
    res.once('close', () => {
      if (latest.get(socket) === res) latest.delete(socket);
    });
    if (!draining) return;
    if (before && !before.headersSent) before.removeHeader('Connection');
    res.setHeader('Connection', 'close');
  });
  const close = server.close.bind(server);
  server.close = (done?: (error?: Error) => void) => {
    if (!draining) {
      draining = true;
      for (const res of latest.values()) if (!res.headersSent) res.setHeader('Connection', 'close');
      setTimeout(() => {
        server.closeAllConnections();
        for (const socket of sockets) socket.destroy();
      }, deadlineMs + DRAIN_MARGIN_MS).unref();
    }
    return close(done);
  };
}
