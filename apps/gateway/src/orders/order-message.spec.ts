import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { WixOrderRequest } from '@wix-pos-gateway/contracts';
import { cardShapedTime, fitsOrderTopic, orderMessage } from './order-message';

describe('orderMessage', () => {
  const request = {
    menu: {
      modified: 1,
      items: [
        { id: 'pizza', externalIds: { pos: 'P' }, description: { en_US: 'long' } },
        { id: 'size-l' },
        { id: 'extra-cheese' },
        { id: 'soup' },
      ],
      sections: [{ id: 's', itemIds: ['pizza', 'soup'] }],
    },
    order: {
      id: 'o1',
      restaurantId: 'r1',
      orderItems: [
        {
          itemId: 'pizza',
          variationsChoices: [
            [{ itemId: 'size-l', variationsChoices: [[{ itemId: 'extra-cheese' }]] }],
          ],
        },
      ],
    },
    cards: { token: { number: '4111111111111111' } },
    fieldWixAddsLater: true,
  } as unknown as WixOrderRequest & { cards?: unknown };

  it('keeps the items the order names at every depth, as sent, and every other field', () => {
    assert.deepEqual(JSON.parse(orderMessage(request).json), {
      menu: {
        modified: 1,
        items: [
          { id: 'pizza', externalIds: { pos: 'P' }, description: { en_US: 'long' } },
          { id: 'size-l' },
          { id: 'extra-cheese' },
        ],
      },
      order: request.order,
      fieldWixAddsLater: true,
    });
  });

  it('leaves the cards out', () => {
    assert.doesNotMatch(orderMessage(request).json, /cards|4111/);
  });
});

describe('cardShapedTime', () => {
  const order = (times: Record<string, unknown>) =>
    ({ id: 'o1', restaurantId: 'r1', orderItems: [], ...times }) as WixOrderRequest['order'];

  it('names the first time that reads as a card number, the delivery time among them', () => {
    assert.equal(cardShapedTime(order({ created: 36_000_000_000_008 })), 'order.created');
    assert.equal(
      cardShapedTime(order({ created: 1_764_000_000_000, delivery: { time: 30_000_000_000_000 } })),
      'order.delivery.time',
    );
  });

  it('passes the times of today, of the past and of the end of the year 9999', () => {
    const times = { created: 1_764_000_000_000, received: 0, submitAt: 253_402_300_799_999 };
    assert.equal(cardShapedTime(order({ ...times, modified: 567_890_123_456 })), undefined);
    assert.equal(cardShapedTime(order({ delivery: { time: 99_999_999_999 } })), undefined);
  });
});

describe('fitsOrderTopic', () => {
  it('measures the message and the sealed cards against the limit, in bytes', () => {
    assert.equal(fitsOrderTopic('{"a":1}', undefined, 21), true);
    assert.equal(fitsOrderTopic('{"a":"ééé"}', undefined, 14), true);
    assert.equal(fitsOrderTopic('{"a":"ééé"}', undefined, 13), false);
    assert.equal(fitsOrderTopic('{"a":1}', 'x'.repeat(7), 14), true);
    assert.equal(fitsOrderTopic('{"a":1}', 'x'.repeat(8), 14), false);
  });

  it('catches an order the masking makes larger than the body it came from', () => {
    const extra = Array.from({ length: 500 }, () => ({ cvv: 0 }));
    const body = {
      menu: { items: [{ id: 'soup', externalIds: { pos: 'S' } }] },
      order: { id: 'o1', restaurantId: 'r1', orderItems: [{ itemId: 'soup' }], extra },
    } as unknown as WixOrderRequest;
    const bodyBytes = Buffer.byteLength(JSON.stringify(body));
    const { json } = orderMessage(body);
    assert.ok(json.length > bodyBytes, `${json.length} against ${bodyBytes}`);
    assert.equal(fitsOrderTopic(json, undefined, bodyBytes), false);
  });
});
