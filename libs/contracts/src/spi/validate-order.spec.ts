import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { validateOrderRequest } from './validate-order';

const valid = () => ({
  menu: { items: [{ id: 'a', title: { en_US: 'A' }, futureField: [1, 2] }] },
  order: {
    id: 'o1',
    restaurantId: 'r1',
    orderItems: [{ itemId: 'a', count: 2, variationsChoices: [[{ itemId: 'b' }], []] }],
  },
  somethingWixAddsLater: { x: 1 },
});

describe('validateOrderRequest', () => {
  it('accepts an SPI body and tolerates unknown fields', () => {
    assert.deepEqual(validateOrderRequest(valid()), { ok: true });
  });

  it('names the path of every problem, at any depth', () => {
    const body = valid();
    Object.assign(body.order, { id: 42 });
    body.order.orderItems.push({ itemId: 'c', count: 0, variationsChoices: [] }, {
      itemId: 'd',
      count: 1,
      variationsChoices: [[{ itemId: 'e', variationsChoices: [[{}]] }]],
    } as never);
    const result = validateOrderRequest(body);
    assert.deepEqual(result, {
      ok: false,
      problems: [
        'order.id must be a string',
        'order.orderItems[1].count must not be less than 1',
        'order.orderItems[2].variationsChoices[0][0].variationsChoices[0][0].itemId must be a string',
      ],
    });
  });

  it('rejects a missing order or menu, and non-object bodies', () => {
    assert.deepEqual(validateOrderRequest({ menu: { items: [] } }), {
      ok: false,
      problems: ['order should not be null or undefined'],
    });
    const noItems = validateOrderRequest({ menu: {}, order: valid().order });
    assert.equal(noItems.ok, false);
    assert.match(!noItems.ok ? noItems.problems.join() : '', /^menu\.items must be an array/);
    assert.equal(validateOrderRequest([]).ok, false);
    assert.equal(validateOrderRequest('order').ok, false);
    assert.equal(validateOrderRequest(null).ok, false);
  });

  it('rejects choices that are not arrays of lines', () => {
    const body = valid();
    body.order.orderItems[0].variationsChoices = [{ itemId: 'b' }] as never;
    const result = validateOrderRequest(body);
    assert.equal(result.ok, false);
    assert.match(
      !result.ok ? result.problems[0] : '',
      /^order\.orderItems\[0\]\.variationsChoices/,
    );
  });
});
