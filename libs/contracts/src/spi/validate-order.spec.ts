import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { plainToInstance } from 'class-transformer';
import { validateSync } from 'class-validator';
import { validateOrderRequest } from './validate-order';
import { WixOrderRequest } from './wix-order.dto';

const valid = () => ({
  menu: { items: [{ id: 'a', title: { en_US: 'A' }, futureField: [1, 2] }] },
  order: {
    id: 'o1',
    restaurantId: 'r1',
    orderItems: [{ itemId: 'a', count: 2, variationsChoices: [[{ itemId: 'b' }], []] }],
  },
  somethingWixAddsLater: { x: 1 },
});

/** Two menu items (one with POS ids), a line with a choice that has a choice of its own. */
const nested = () => ({
  menu: { items: [{ id: 'a' }, { id: 'b', externalIds: { pos: 'B' } }] },
  order: {
    id: 'o1',
    restaurantId: 'r1',
    orderItems: [
      {
        itemId: 'a',
        count: 1,
        variationsChoices: [[{ itemId: 'b', count: 1, variationsChoices: [] }]],
      },
    ],
  },
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

describe('validateOrderRequest, its fast check against the DTO rules', () => {
  const odd = [null, undefined, '', 'x', '2', 0, 1, 1.5, -1, 2, true, [], [[]], {}, [{}]];
  const paths = [
    ['menu'],
    ['menu', 'items'],
    ['menu', 'items', 0],
    ['menu', 'items', 0, 'id'],
    ['menu', 'items', 1, 'externalIds'],
    ['order'],
    ['order', 'id'],
    ['order', 'restaurantId'],
    ['order', 'orderItems'],
    ['order', 'orderItems', 0],
    ['order', 'orderItems', 0, 'itemId'],
    ['order', 'orderItems', 0, 'count'],
    ['order', 'orderItems', 0, 'variationsChoices'],
    ['order', 'orderItems', 0, 'variationsChoices', 0],
    ['order', 'orderItems', 0, 'variationsChoices', 0, 0],
    ['order', 'orderItems', 0, 'variationsChoices', 0, 0, 'itemId'],
    ['order', 'orderItems', 0, 'variationsChoices', 0, 0, 'count'],
  ];

  function withValue(path: Array<string | number>, value: unknown): Record<string, unknown> {
    const body = structuredClone(nested()) as Record<string, unknown>;
    let at = body as Record<string | number, unknown>;
    for (const key of path.slice(0, -1)) at = at[key] as Record<string | number, unknown>;
    if (value === undefined) delete at[path[path.length - 1]];
    else at[path[path.length - 1]] = value;
    return body;
  }

  function dtoProblems(body: unknown): number {
    const request = plainToInstance(WixOrderRequest, body, { excludeExtraneousValues: true });
    return validateSync(request, { stopAtFirstError: true }).length;
  }

  it('accepts exactly what class-validator accepts, for every odd value at every checked path', () => {
    for (const path of paths) {
      for (const value of odd) {
        const body = withValue(path, value);
        const ok = validateOrderRequest(body).ok;
        assert.equal(ok, dtoProblems(body) === 0, `${path.join('.')} = ${JSON.stringify(value)}`);
      }
    }
  });
});
