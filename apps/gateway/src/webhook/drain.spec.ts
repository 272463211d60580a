import assert from 'node:assert/strict';
import { once } from 'node:events';
import { Agent, RequestListener, Server, createServer, request } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import { AddressInfo, connect } from 'node:net';
import { describe, it } from 'node:test';
import { drainOnClose } from './drain';

const DEADLINE_MS = 200;
const MARGIN_MS = 1_000;

async function started(server: Server, handler?: RequestListener) {
  if (handler) server.on('request', handler);
  drainOnClose(server, DEADLINE_MS);
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  return (server.address() as AddressInfo).port;
}

/** Closes `server`; how long it took to end, in ms. */
async function closing(server: Server): Promise<number> {
  const since = Date.now();
  await new Promise((resolve) => server.close(resolve));
  return Date.now() - since;
}

const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe('drainOnClose', () => {
  it('tells the calls in flight to close, and closes what is still open past the deadline', async () => {
    const server = createServer();
    const port = await started(server, (req, res) => {
      if (req.url === '/never') return; // a call that is never answered
      setTimeout(() => res.end('ok'), 100);
    });
    const agent = new Agent({ keepAlive: true });
    const get = (path: string) =>
      new Promise<string | undefined>((resolve, reject) => {
        request({ port, path, agent }, (res) => {
          res.resume();
          res.on('end', () => resolve(res.headers.connection));
        })
          .on('error', reject)
          .end();
      });

    assert.equal(await get('/warm'), 'keep-alive');
    const answered = get('/slow');
    const never = get('/never').catch((error: Error) => error.message);
    await pause(20);
    const closed = closing(server);
    assert.equal(await answered, 'close');
    assert.equal(await never, 'socket hang up');
    const took = await closed;
    assert.ok(took >= DEADLINE_MS && took < DEADLINE_MS + MARGIN_MS + 1_000, `${took} ms`);
    agent.destroy();
  });

  it('marks an answer written at once, and only the last a connection owes', async () => {
    const server = createServer();
    const port = await started(server, (req, res) => {
      if (req.url === '/now') res.end('now');
      else setTimeout(() => res.end(req.url), 150);
    });
    // Two calls pipelined on one connection, then a third sent during the stop.
    const socket = connect(port, '127.0.0.1');
    await once(socket, 'connect');
    let text = '';
    socket.setEncoding('utf8');
    socket.on('data', (chunk: string) => (text += chunk));
    socket.write('GET /a HTTP/1.1\r\nHost: x\r\n\r\nGET /b HTTP/1.1\r\nHost: x\r\n\r\n');
    await pause(30);
    const closed = closing(server);
    await pause(30);
    socket.write('GET /now HTTP/1.1\r\nHost: x\r\n\r\n');
    await once(socket, 'close');
    const answers = text.split('HTTP/1.1 200 OK').slice(1);
    assert.equal(answers.length, 3, text);
    // HTTP/1.1 keeps a connection open unless an answer says otherwise.
    assert.deepEqual(
      answers.map((answer) => /connection: (\S+)/i.exec(answer)?.[1] ?? 'keep-alive'),
      ['keep-alive', 'keep-alive', 'close'],
    );
    assert.match(answers[2], /now$/);
    assert.ok((await closed) < DEADLINE_MS, 'the stop waited for the deadline');
  });

  it('closes a connection still in its TLS handshake at the deadline', async () => {
    const server = createHttpsServer();
    const port = await started(server);
    const socket = connect(port, '127.0.0.1');
    await once(socket, 'connect');
    const took = await closing(server);
    assert.ok(took >= DEADLINE_MS && took < DEADLINE_MS + MARGIN_MS + 1_000, `${took} ms`);
    socket.destroy();
  });
});
