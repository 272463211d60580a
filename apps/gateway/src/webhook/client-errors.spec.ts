import assert from 'node:assert/strict';
import { createServer, Server } from 'node:http';
import { AddressInfo, connect, Socket } from 'node:net';
import { after, before, describe, it } from 'node:test';
import { answerClientErrors } from './client-errors';

const DEADLINE_MS = 2_000;
/** An order's request, which the server answers after 200 ms. */
const ORDER = 'POST /o HTTP/1.1\r\nHost: x\r\nContent-Length: 2\r\n\r\n{}';

/**
 * What a raw client that never closes its side got on one connection, once the server ended
 * it, and when.
 */
function exchange(port: number, text: string): Promise<{ got: string; endedMs: number }> {
  const started = performance.now();
  return new Promise((resolve) => {
    const socket: Socket = connect({ port, host: '127.0.0.1', allowHalfOpen: true });
    let got = '';
    socket.on('data', (chunk: Buffer) => (got += chunk.toString('latin1')));
    socket.on('end', () => {
      resolve({ got, endedMs: performance.now() - started });
      setTimeout(() => socket.destroy(), 2_000);
    });
    socket.write(text);
  });
}

/** Until the server holds no connection, or `withinMs` has passed: how many it holds. */
async function openConnections(server: Server, withinMs: number): Promise<number> {
  const until = performance.now() + withinMs;
  for (;;) {
    const count = await new Promise<number>((resolve, reject) =>
      server.getConnections((error, n) => (error ? reject(error) : resolve(n))),
    );
    if (count === 0 || performance.now() > until) return count;
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

describe('answerClientErrors', () => {
  let server: Server;
  let port: number;

  before(async () => {
    server = createServer((req, res) => {
      req.resume();
      // An order answered after a while, as the gateway answers one.
      req.on('end', () => setTimeout(() => res.end('{"value":{"orderId":"1"}}'), 200));
    });
    answerClientErrors(server, DEADLINE_MS);
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    port = (server.address() as AddressInfo).port;
  });
  after(() => {
    server.closeAllConnections();
    return new Promise<void>((resolve) => server.close(() => resolve()));
  });

  it('answers CONNECT with 405 and an SPI body, and closes the connection itself', async () => {
    const { got, endedMs } = await exchange(port, 'CONNECT x:443 HTTP/1.1\r\nHost: x\r\n\r\n');
    assert.match(got, /^HTTP\/1\.1 405 Method Not Allowed\r\n/);
    assert.match(got, /\r\nAllow: GET, POST\r\n/);
    const body = JSON.parse(got.slice(got.indexOf('\r\n\r\n') + 4)) as { error: { code: string } };
    assert.equal(body.error.code, 'pos_error');
    assert.ok(endedMs < 1_000, `ended after ${Math.round(endedMs)} ms`);
    // Closed on the server's side, though the client keeps its side open.
    assert.equal(await openConnections(server, 1_000), 0);
  });

  it('answers the order pipelined before a CONNECT first', async () => {
    const { got, endedMs } = await exchange(port, `${ORDER}CONNECT x:443 HTTP/1.1\r\n\r\n`);
    assert.match(got, /^HTTP\/1\.1 200 OK\r\n[^]*\{"value":\{"orderId":"1"\}\}HTTP\/1\.1 405 /);
    assert.ok(endedMs < 1_500, `ended after ${Math.round(endedMs)} ms`);
    assert.equal(await openConnections(server, 1_000), 0);
  });

  it('survives a client that resets the connection while its CONNECT waits', async () => {
    const thrown: unknown[] = [];
    const uncaught = (error: unknown) => thrown.push(error);
    process.on('uncaughtException', uncaught);
    for (const delayMs of [0, 50, 100]) {
      const socket = connect({ port, host: '127.0.0.1' });
      socket.on('error', () => undefined);
      socket.write(`${ORDER}CONNECT x:443 HTTP/1.1\r\n\r\n`);
      await new Promise((resolve) => setTimeout(resolve, delayMs));
      socket.resetAndDestroy();
    }
    // A reset the server did not handle would have thrown by now.
    await new Promise((resolve) => setTimeout(resolve, 400));
    process.off('uncaughtException', uncaught);
    assert.deepEqual(thrown, []);
    const { got } = await exchange(port, 'CONNECT x:443 HTTP/1.1\r\n\r\n');
    assert.match(got, /^HTTP\/1\.1 405 /);
  });
});
