import assert from 'node:assert/strict';
import { IncomingMessage, Server, ServerResponse, createServer } from 'node:http';
import { AddressInfo } from 'node:net';
import { after, before, describe, it } from 'node:test';
import { Target, closedLoop, openLoop } from './load';

type Handler = (req: IncomingMessage, res: ServerResponse, body: string) => void;

describe('the load generator', () => {
  let server: Server;
  let handle: Handler;
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

  const json = (res: ServerResponse, status: number, body: unknown) => {
    res.writeHead(status, { 'content-type': 'application/json' });
    res.end(JSON.stringify(body));
  };

  it('posts the body as JSON to the path and reuses its connections', async () => {
    const seen: string[] = [];
    handle = (req, res, body) => {
      seen.push(`${req.method} ${req.url} ${req.headers['content-type']} ${body}`);
      res.setHeader('content-type', 'application/json');
      res.end(JSON.stringify({ value: { orderId: '1' } }));
    };
    connections = 0;
    const target = new Target(url);
    const body = JSON.stringify({ order: 'é'.repeat(20_000) });
    const run = await openLoop(
      target,
      Array.from({ length: 50 }, () => target.prepare(body)),
      500,
    );
    target.close();
    assert.equal(run.sent, 50);
    assert.deepEqual(new Set(run.answers.map((a) => a.outcome)), new Set(['accepted']));
    assert.equal(seen[0], `POST /webhooks/wix/brand?x=1 application/json ${body}`);
    assert.ok(connections < 50, `${connections} connections for 50 requests`);
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

  it('reads an answer whose head was written before its body (the limit server)', async () => {
    handle = (_req, res) => json(res, 200, { value: { orderId: '2' } });
    const target = new Target(url);
    assert.deepEqual(await target.send(target.prepare('{}')), { outcome: 'accepted' });
    target.close();
  });
});
