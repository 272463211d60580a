import assert from 'node:assert/strict';
import { IncomingMessage, Server, ServerResponse, createServer } from 'node:http';
import { AddressInfo, Socket, createServer as createTcpServer } from 'node:net';
import { after, before, describe, it } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { Target, closedLoop, openLoop } from './load';

type Handler = (req: IncomingMessage, res: ServerResponse, body: string) => void;

const accept: Handler = (_req, res) => {
  res.setHeader('content-type', 'application/json');
  res.end(JSON.stringify({ value: { orderId: '1' } }));
};

describe('the load generator, against an HTTP server', () => {
  let server: Server;
  let handle: Handler = accept;
  let connections = 0;
  let url = '';

  before(async () => {
    server = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (chunk: Buffer) => chunks.push(chunk));
      req.on('end', () => handle(req, res, Buffer.concat(chunks).toString()));
    });
    server.on('connection', () => (connections += 1));
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/webhooks/wix/brand?x=1`;
  });
  after(() => server.close());

  it('posts each prepared body as JSON to the path, open loop', async () => {
    const seen: string[] = [];
    handle = (req, res, body) => {
      seen.push(`${req.method} ${req.url} ${req.headers['content-type']} ${body}`);
      accept(req, res, body);
    };
    const target = new Target(url);
    const body = JSON.stringify({ order: 'é'.repeat(20_000) });
    const run = await openLoop(
      target,
      Array.from({ length: 20 }, () => target.prepare(body)),
      200,
    );
    target.close();
    assert.equal(run.sent, 20);
    assert.deepEqual(
      run.answers.map((a) => a.outcome),
      Array(20).fill('accepted'),
    );
    assert.deepEqual(
      new Set(seen),
      new Set([`POST /webhooks/wix/brand?x=1 application/json ${body}`]),
    );
  });

  it('keeps a connection per client alive between requests', async () => {
    handle = accept;
    connections = 0;
    const target = new Target(url);
    const run = await closedLoop(target, () => target.prepare('{}'), 2, 0.2);
    target.close();
    assert.ok(run.sent > 4, `${run.sent} requests`);
    assert.equal(connections, 2);
  });

  it('reads a chunked answer, and an SPI error with its reason', async () => {
    handle = (_req, res) => {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.write('{"error":{"code":"endpoint_down",');
      setTimeout(() => res.end('"description":"the gateway is overloaded"}}'), 5);
    };
    const target = new Target(url);
    const answer = await target.send(target.prepare('{}'));
    target.close();
    assert.deepEqual(answer, { outcome: 'endpoint_down', reason: 'shed' });
  });

  it('names a status without an SPI answer, and opens a new connection after `close`', async () => {
    handle = (_req, res) => {
      res.writeHead(503, { connection: 'close' });
      res.end('unavailable');
    };
    connections = 0;
    const target = new Target(url);
    const run = await closedLoop(target, () => target.prepare('{}'), 2, 0.2);
    target.close();
    assert.ok(run.sent > 2);
    assert.deepEqual(new Set(run.answers.map((a) => a.outcome)), new Set(['http_503']));
    assert.equal(connections, run.sent);
  });

  it('does not reuse a connection the server closed while it was idle', async () => {
    handle = accept;
    server.keepAliveTimeout = 100;
    try {
      connections = 0;
      const target = new Target(url);
      assert.deepEqual(await target.send(target.prepare('{}')), { outcome: 'accepted' });
      await sleep(1_500); // Node closes it a second after its timeout
      assert.deepEqual(await target.send(target.prepare('{}')), { outcome: 'accepted' });
      target.close();
      assert.equal(connections, 2);
    } finally {
      server.keepAliveTimeout = 5_000;
    }
  });

  it('reports a connection that fails', async () => {
    handle = (req) => req.socket.destroy();
    const target = new Target(url);
    assert.deepEqual(await target.send(target.prepare('{}')), { outcome: 'network ECONNRESET' });
    target.close();
    const closed = new Target('http://127.0.0.1:1/');
    assert.deepEqual(await closed.send(closed.prepare('{}')), {
      outcome: 'network ECONNREFUSED',
    });
    closed.close();
  });
});

describe('the load generator, against answers written by hand', () => {
  /** A server that answers each request's first bytes with `pieces`, written apart. */
  async function answering(pieces: string[], then: 'close' | 'stay') {
    const server = createTcpServer((socket: Socket) => {
      const write = async () => {
        for (const piece of pieces) {
          socket.write(piece);
          await sleep(10);
        }
        if (then === 'close') socket.end();
      };
      socket.once('data', () => void write());
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const target = new Target(`http://127.0.0.1:${(server.address() as AddressInfo).port}/`);
    return {
      answer: () => target.send(target.prepare('{}')),
      stop: () => {
        target.close();
        server.close();
      },
    };
  }

  it('waits for the whole body its content-length announces', async () => {
    const body = '{"value":{"orderId":"7"}}';
    const head = `HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-length: ${body.length}\r\n`;
    const server = await answering([head, `\r\n${body.slice(0, 9)}`, body.slice(9)], 'stay');
    assert.deepEqual(await server.answer(), { outcome: 'accepted' });
    server.stop();
  });

  it('reads an answer without a length up to the close', async () => {
    const server = await answering(
      ['HTTP/1.1 200 OK\r\n\r\n{"value":', '{"orderId":"7"}}'],
      'close',
    );
    assert.deepEqual(await server.answer(), { outcome: 'accepted' });
    server.stop();
  });

  it('gives up on a chunk it cannot read', async () => {
    const server = await answering(
      ['HTTP/1.1 200 OK\r\ntransfer-encoding: chunked\r\n\r\nzz\r\n{}\r\n0\r\n\r\n'],
      'stay',
    );
    assert.deepEqual(await server.answer(), { outcome: 'network EPROTO' });
    server.stop();
  });
});
