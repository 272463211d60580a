import assert from 'node:assert/strict';
import { Agent, createServer, request } from 'node:http';
import type { AddressInfo } from 'node:net';
import { once } from 'node:events';
import { describe, it } from 'node:test';
import { drainOnClose } from './drain';

const DEADLINE_MS = 200;

describe('drainOnClose', () => {
  it('tells the calls in flight to close, and closes what is still open past the deadline', async () => {
    const server = createServer((req, res) => {
      if (req.url === '/never') return; // a call that is never answered
      setTimeout(() => res.end('ok'), 100);
    });
    drainOnClose(server, DEADLINE_MS);
    server.listen(0, '127.0.0.1');
    await once(server, 'listening');
    const { port } = server.address() as AddressInfo;
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
    await new Promise((resolve) => setTimeout(resolve, 20));
    const started = Date.now();
    const closed = new Promise((resolve) => server.close(resolve));
    assert.equal(await answered, 'close');
    assert.equal(await never, 'socket hang up');
    await closed;
    const took = Date.now() - started;
    assert.ok(took >= DEADLINE_MS && took < DEADLINE_MS + 2_000, `closed after ${took} ms`);
    agent.destroy();
  });
});
