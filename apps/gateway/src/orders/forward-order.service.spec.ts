import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { RequestPacket } from '@wix-pos-gateway/kafka';
import { GatewayConfig } from '../config';
import { GatewayMetrics } from '../metrics/gateway-metrics';
import { ForwardOrderService, WebhookCall } from './forward-order.service';
import { OrderAnswers } from './order-answers';
import { TopicDirectory } from './topic-directory';

const example = () =>
  JSON.parse(
    readFileSync(join(process.cwd(), 'test/fixtures/order-takeout-cash.json'), 'utf8'),
  ) as { order: { id: string } };

/** A service whose Kafka request is answered by `reply`, called with the call as it is then. */
function service(reply: (call: WebhookCall, packet: RequestPacket) => unknown) {
  let current: WebhookCall | undefined;
  const config = { orders: { deadlineMs: 8000, maxInFlightPerBrand: 10 } } as GatewayConfig;
  const client = {
    isReady: true,
    request: (_topic: string, packet: RequestPacket) => Promise.resolve(reply(current!, packet)),
  };
  const topics = { has: () => Promise.resolve(true), knows: () => true };
  const cards = { seal: () => ({ sealed: undefined }) };
  const answers = {
    decide: (decision: { posOrderId: string }) =>
      Promise.resolve({ value: { orderId: decision.posOrderId } }),
    written: () => undefined,
  };
  const forwarder = new ForwardOrderService(
    config,
    client as never,
    topics as unknown as TopicDirectory,
    cards,
    answers as unknown as OrderAnswers,
    new GatewayMetrics(),
  );
  return (call: WebhookCall) => {
    current = call;
    return forwarder.forward(call);
  };
}

describe('ForwardOrderService', () => {
  it('lets go of the parsed body before the round trip to a worker', async () => {
    const body = example();
    const seen: unknown[] = [];
    const forward = service((call, packet) => {
      seen.push(call.body);
      assert.equal((JSON.parse(String(packet.value)) as typeof body).order.id, body.order.id);
      return { value: { orderId: 'P-7' } };
    });
    const call = { brand: 'demo', body, receivedAt: Date.now(), arrivedAt: performance.now() };
    const { response } = await forward(call);
    assert.deepEqual(response, { value: { orderId: 'P-7' } });
    assert.deepEqual(seen, [undefined]);
    assert.equal(call.body, undefined);
  });

  it('lets go of a body it refuses too', async () => {
    const forward = service(() => assert.fail('nothing is sent'));
    const call = {
      brand: 'demo',
      body: { order: { id: 'o1' } },
      receivedAt: Date.now(),
      arrivedAt: performance.now(),
    };
    const { response } = await forward(call);
    assert.equal('error' in response && response.error.code, 'pos_error');
    assert.equal(call.body, undefined);
  });
});
