import assert from 'node:assert/strict';
import { IncomingMessage, Server, ServerResponse, createServer } from 'node:http';
import { AddressInfo } from 'node:net';
import { after, before, describe, it } from 'node:test';
import { answerDetail, outcomeOf, sendOrder } from './send';

type Handler = (body: unknown, res: ServerResponse) => void;

/** A stand-in gateway whose answer each test chooses by path. */
const handlers: Record<string, Handler> = {
  '/accept': (body, res) =>
    json(res, 200, { value: { orderId: `POS-${(body as { order: { id: string } }).order.id}` } }),
  '/reject': (_body, res) =>
    json(res, 200, {
      error: { code: 'invalid_item_mapping', description: 'item 1 has no POS id' },
    }),
  '/odd': (_body, res) => json(res, 200, { error: { code: 'teapot', description: 'no' } }),
  '/fail': (_body, res) => json(res, 502, { message: 'bad gateway' }),
  '/hang': () => undefined,
};

function json(res: ServerResponse, status: number, body: unknown): void {
  res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(body));
}

function listen(server: Server): Promise<string> {
  return new Promise((resolve) =>
    server.listen(0, '127.0.0.1', () => {
      resolve(`http://127.0.0.1:${(server.address() as AddressInfo).port}`);
    }),
  );
}

function handle(req: IncomingMessage, res: ServerResponse): void {
  const chunks: Buffer[] = [];
  req.on('data', (chunk: Buffer) => chunks.push(chunk));
  req.on('end', () => {
    assert.equal(req.method, 'POST');
    assert.equal(req.headers['content-type'], 'application/json');
    handlers[req.url ?? '']?.(JSON.parse(Buffer.concat(chunks).toString()), res);
  });
}

describe('sendOrder', () => {
  const server = createServer(handle);
  let base = '';
  before(async () => {
    base = await listen(server);
  });
  after(() => {
    server.closeAllConnections();
    server.close();
  });

  const body = { menu: { items: [] }, order: { id: '42', restaurantId: '1', orderItems: [] } };

  it('classifies an accepted order', async () => {
    const result = await sendOrder(`${base}/accept`, body);
    assert.equal(result.outcome, 'accepted');
    assert.equal(result.status, 200);
    assert.deepEqual(result.body, { value: { orderId: 'POS-42' } });
    assert.equal(answerDetail(result.body), 'POS-42');
    assert.ok(result.ms >= 0);
  });

  it('classifies an SPI error by its code', async () => {
    const result = await sendOrder(`${base}/reject`, body);
    assert.equal(result.outcome, 'invalid_item_mapping');
    assert.equal(answerDetail(result.body), 'item 1 has no POS id');
  });

  it('tells a non-SPI answer and a non-200 status apart', async () => {
    assert.equal((await sendOrder(`${base}/odd`, body)).outcome, 'bad_response');
    const failed = await sendOrder(`${base}/fail`, body);
    assert.equal(failed.outcome, 'http_502');
    assert.equal(failed.status, 502);
  });

  it('gives up after the timeout', async () => {
    const result = await sendOrder(`${base}/hang`, body, 150);
    assert.equal(result.outcome, 'timeout');
    assert.equal(result.status, 0);
    assert.ok(result.ms >= 140 && result.ms < 5_000, `${result.ms} ms`);
  });

  it('reports a closed port as unreachable', async () => {
    const closed = createServer();
    const url = await listen(closed);
    await new Promise((resolve) => closed.close(resolve));
    const result = await sendOrder(`${url}/accept`, body, 2_000);
    assert.equal(result.outcome, 'unreachable');
  });
});

describe('outcomeOf', () => {
  it('needs HTTP 200 and an SPI body', () => {
    assert.equal(outcomeOf(200, { value: { orderId: 'x' } }), 'accepted');
    assert.equal(outcomeOf(200, { value: {} }), 'bad_response');
    assert.equal(outcomeOf(200, 'text'), 'bad_response');
    assert.equal(
      outcomeOf(200, { error: { code: 'cc_rejected', description: '' } }),
      'cc_rejected',
    );
    assert.equal(outcomeOf(404, { value: { orderId: 'x' } }), 'http_404');
  });
});
