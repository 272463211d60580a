import assert from 'node:assert/strict';
import { EventEmitter } from 'node:events';
import { describe, it } from 'node:test';
import type { Response } from 'express';
import { ForwardOrderService, Forwarded } from '../orders/forward-order.service';
import { WebhookController } from './webhook.controller';
import { WebhookRequest } from './webhook-request';

function controller(forwarded: Forwarded) {
  const orders = { forward: () => Promise.resolve(forwarded) } as unknown as ForwardOrderService;
  const req = { body: {}, receivedAt: Date.now(), arrivedAt: performance.now() } as WebhookRequest;
  const res = new EventEmitter();
  return {
    res,
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
});
