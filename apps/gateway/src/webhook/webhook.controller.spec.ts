import assert from 'node:assert/strict';
import { EventEmitter } from 'node:events';
import { describe, it } from 'node:test';
import type { Response } from 'express';
import { ForwardOrderService, Forwarded, WebhookCall } from '../orders/forward-order.service';
import { WebhookController } from './webhook.controller';
import { WebhookRequest } from './webhook-request';

function controller(forwarded: Forwarded) {
  const calls: WebhookCall[] = [];
  const forward = (call: WebhookCall) => {
    calls.push(call);
    return Promise.resolve(forwarded);
  };
  const orders = { forward } as unknown as ForwardOrderService;
  const req = {
    body: { order: {} },
    rawBody: Buffer.from('{"order":{}}'),
    receivedAt: Date.now(),
    arrivedAt: performance.now(),
  } as WebhookRequest;
  const res = new EventEmitter();
  return {
    req,
    res,
    calls,
    receive: () => new WebhookController(orders).receive('demo', req, res as unknown as Response),
  };
}

describe('WebhookController', () => {
  it('marks a value written only once the response has finished', async () => {
    let written = 0;
    const { res, receive } = controller({
      response: { value: { orderId: 'P-1' } },
      written: () => (written += 1),
    });

    assert.deepEqual(await receive(), { value: { orderId: 'P-1' } });
    assert.equal(written, 0);
    res.emit('close');
    assert.equal(written, 0, 'a connection closed before the response finished hears nothing');
    res.emit('finish');
    res.emit('finish');
    assert.equal(written, 1);
  });

  it('marks nothing for other answers', async () => {
    const { res, receive } = controller({
      response: { error: { code: 'endpoint_down', description: 'down' } },
    });
    await receive();
    assert.equal(res.listenerCount('finish'), 0);
  });

  it('hands the body to the call and keeps neither it nor its bytes on the request', async () => {
    const { req, calls, receive } = controller({ response: { value: { orderId: 'P-1' } } });
    await receive();
    assert.deepEqual(calls[0]?.body, { order: {} });
    assert.equal(req.body, undefined);
    assert.equal(req.rawBody, undefined);
  });
});
