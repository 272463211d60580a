import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { WixOrderRequest } from '@wix-pos-gateway/contracts';
import { orderMessage } from './order-message';

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
