import type { IncomingMessage, Server, ServerResponse } from 'node:http';

/** How long past an order's deadline a call still in flight at shutdown is waited for. */
const DRAIN_MARGIN_MS = 1_000;

/**
 * A graceful stop that ends. `server.close()` stops listening and closes the idle connections,
 * but a connection busy at that instant stays open after its answer, and a caller that keeps
 * it alive can go on sending orders to a gateway that is stopping, for as long as it likes.
 * From `close()` on, every answer — to the calls in flight and to any that still come on an
 * open connection — says `Connection: close`, and at the order's deadline plus a margin the
 * connections still open are closed, so that the stop ends within it.
 */
export function drainOnClose(server: Server, deadlineMs: number): void {
  const inFlight = new Set<ServerResponse>();
  let draining = false;
  server.on('request', (_req: IncomingMessage, res: ServerResponse) => {
    if (draining) {
      closeAfter(res);
      return;
    }
    // An answer already on its way needs no mark; its connection is closed when idle.
    if (res.headersSent) return;
    inFlight.add(res);
    res.once('close', () => inFlight.delete(res));
  });
  const close = server.close.bind(server);
  server.close = (done?: (error?: Error) => void) => {
    if (!draining) {
      draining = true;
      for (const res of inFlight) closeAfter(res);
      inFlight.clear();
      setTimeout(() => server.closeAllConnections(), deadlineMs + DRAIN_MARGIN_MS).unref();
    }
    return close(done);
  };
}

function closeAfter(res: ServerResponse): void {
  if (!res.headersSent) res.setHeader('Connection', 'close');
}
