import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { plainToInstance } from 'class-transformer';
import { validateSync } from 'class-validator';
import {
  MAX_DESCRIBED,
  describeProblems,
  isValidRequest,
  validateOrderRequest,
} from './validate-order';
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
    price: 1250,
    currency: 'USD',
    created: 1795000100000,
    delivery: { type: 'delivery', time: 1795003000000, charge: 500 },
    orderCharges: [{ type: 'discount', amount: -500 }],
    takeoutPacks: 1,
    payments: [
      { type: 'cash', amount: 1000 },
      {
        type: 'credit',
        amount: 250,
        cardToken: { token: 't1', creditCard: { network: 'visa', lastDigits: '1111' } },
      },
    ],
    orderItems: [
      {
        itemId: 'a',
        count: 1,
        price: 1250,
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
      omitted: 0,
    });
  });

  it('rejects a missing order or menu, and non-object bodies', () => {
    assert.deepEqual(validateOrderRequest({ menu: { items: [] } }), {
      ok: false,
      problems: ['order should not be null or undefined'],
      omitted: 0,
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

describe('validateOrderRequest, the model types of money, times and ids', () => {
  const problemOf = (change: (order: Record<string, unknown>) => void) => {
    const body = nested();
    change(body.order);
    const result = validateOrderRequest(body);
    return result.ok ? 'ok' : result.problems.join('; ');
  };

  it('takes the model as Wix sends it', () => {
    assert.equal(
      problemOf(() => undefined),
      'ok',
    );
  });

  it('refuses money that is not an int, times that are not epoch-ms, and a currency that is not ISO 4217', () => {
    assert.match(
      problemOf((o) => (o.price = '4300')),
      /^order\.price must be an integer/,
    );
    assert.match(
      problemOf((o) => (o.price = -1)),
      /^order\.price must not be less than 0/,
    );
    assert.match(
      problemOf((o) => (o.price = 1e30)),
      /^order\.price must not be greater than/,
    );
    assert.match(
      problemOf((o) => (o.price = Infinity)),
      /^order\.price must be an integer/,
    );
    assert.match(
      problemOf((o) => (o.currency = 5)),
      /^order\.currency must be a string/,
    );
    assert.match(
      problemOf((o) => (o.currency = 'dollars')),
      /^order\.currency must be an ISO 4217/,
    );
    assert.match(
      problemOf((o) => (o.created = 'yesterday')),
      /^order\.created must be an integer/,
    );
    // After the year 9999: no time, and a card number's 16 digits are refused there, not masked.
    assert.match(
      problemOf((o) => (o.created = 4111111111111111)),
      /^order\.created must not be greater than 253402300799999/,
    );
    assert.equal(
      problemOf((o) => (o.created = 253402300799999)),
      'ok',
    );
    assert.match(
      problemOf((o) => ((o.payments as { amount: unknown }[])[0].amount = 'x')),
      /^order\.payments\[0\]\.amount must be an integer/,
    );
    assert.match(
      problemOf((o) => ((o.delivery as { charge: unknown }).charge = '5.00')),
      /^order\.delivery\.charge must be an integer/,
    );
    assert.match(
      problemOf((o) => ((o.delivery as { time: unknown }).time = 'soon')),
      /^order\.delivery\.time must be an integer/,
    );
    assert.match(
      problemOf((o) => ((o.orderCharges as { amount: unknown }[])[0].amount = 1e30)),
      /^order\.orderCharges\[0\]\.amount must not be greater than/,
    );
    assert.match(
      problemOf((o) => ((o.orderItems as { count: unknown }[])[0].count = 2_147_483_648)),
      /^order\.orderItems\[0\]\.count must not be greater than 2147483647/,
    );
  });

  it('refuses card digits beyond the last four in a payment', () => {
    const card = (o: Record<string, unknown>) =>
      (o.payments as { cardToken: { creditCard: Record<string, unknown> } }[])[1].cardToken
        .creditCard;
    assert.match(
      problemOf((o) => (card(o).lastDigits = '4111111111111111')),
      /^order\.payments\[1\]\.cardToken\.creditCard\.lastDigits must be at most 4 digits$/,
    );
    assert.equal(
      problemOf((o) => (card(o).lastDigits = 4242)),
      'ok',
    );
  });

  it('refuses a payment without a type, which would pass for one already paid', () => {
    const payment = (o: Record<string, unknown>) => (o.payments as Record<string, unknown>[])[1];
    assert.match(
      problemOf((o) => delete payment(o).type),
      /^order\.payments\[1\]\.type must be a string$/,
    );
    assert.match(
      problemOf((o) => (payment(o).type = 5)),
      /^order\.payments\[1\]\.type must be a string$/,
    );
    assert.match(
      problemOf((o) => (payment(o).type = '')),
      /type must not be blank$/,
    );
  });

  it('refuses a card token on a payment whose type reads as credit but is not, which would go uncharged', () => {
    const payment = (o: Record<string, unknown>) => (o.payments as Record<string, unknown>[])[1];
    for (const type of ['CREDIT', 'Credit', 'credit ', 'credit\u200b', ' c r e d i t']) {
      assert.match(
        problemOf((o) => (payment(o).type = type)),
        /^order\.payments\[1\]\.cardToken is on a payment whose type reads as credit but is not "credit"$/,
        JSON.stringify(type),
      );
    }
    // Other types are taken as paid, as the SPI says, token or not; a misspelt credit
    // without a token has no card to charge.
    for (const type of ['debit', 'paypal', 'creditcard']) {
      assert.equal(
        problemOf((o) => (payment(o).type = type)),
        'ok',
        type,
      );
    }
    assert.equal(
      problemOf((o) => {
        payment(o).type = 'CREDIT';
        payment(o).cardToken = null;
      }),
      'ok',
    );
  });

  it('refuses an order with no lines', () => {
    assert.equal(
      problemOf((o) => (o.orderItems = [])),
      'order.orderItems should not be empty',
    );
  });

  it('refuses a blank id: empty, or only white space', () => {
    assert.equal(
      problemOf((o) => (o.id = '   ')),
      'order.id must not be blank',
    );
    assert.equal(
      problemOf((o) => (o.restaurantId = '\t\n\u00a0\u3000')),
      'order.restaurantId must not be blank',
    );
    assert.equal(
      problemOf((o) => ((o.orderItems as Array<Record<string, unknown>>)[0].itemId = ' ')),
      'order.orderItems[0].itemId must not be blank',
    );
    assert.equal(
      problemOf((o) => (o.id = ' '.repeat(300))),
      'order.id must not be blank',
    );
    assert.equal(
      problemOf((o) => (o.id = ' 7 ')),
      'ok',
    );
  });

  it('refuses an id longer than 256 characters', () => {
    assert.match(
      problemOf((o) => (o.id = '9'.repeat(3_000))),
      /^order\.id must be shorter than or equal to 256 characters/,
    );
    assert.equal(
      problemOf((o) => (o.restaurantId = '9'.repeat(256))),
      'ok',
    );
  });
});

describe('validateOrderRequest, its fast check against the DTO rules', () => {
  const odd = [
    ...[null, undefined, '', 'x', '2', 0, 1, 1.5, -1, 2, true, [], [[]], {}, [{}]],
    ...['USD', 'usd', 'x'.repeat(256), 'x'.repeat(257), 2_147_483_647, 2_147_483_648],
    ...[-2_147_483_648, -2_147_483_649, 1e30, Infinity, -Infinity, NaN, 2 ** 53 + 2],
    // Longer than 256 UTF-16 units, though class-validator's MaxLength counts them as 256.
    ...['😀'.repeat(129), 'a\uFE0F'.repeat(200), [[]], [1]],
    ...['1234', '12345', '０１２３', 9999, 10000, '4111 1111 1111 1111'],
    ...[' ', '\t\r\n', '\u00a0\u2028\ufeff', ' x ', '\u200b', ' '.repeat(300)],
  ];
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
    ['order', 'orderItems', 0, 'price'],
    ['order', 'price'],
    ['order', 'currency'],
    ['order', 'created'],
    ['order', 'received'],
    ['order', 'submitAt'],
    ['order', 'modified'],
    ['order', 'payments'],
    ['order', 'payments', 0],
    ['order', 'payments', 0, 'amount'],
    ['order', 'payments', 0, 'type'],
    ['order', 'payments', 1, 'type'],
    ['order', 'delivery'],
    ['order', 'delivery', 'charge'],
    ['order', 'delivery', 'time'],
    ['order', 'orderCharges'],
    ['order', 'orderCharges', 0],
    ['order', 'orderCharges', 0, 'amount'],
    ['order', 'takeoutPacks'],
    ['order', 'payments', 1, 'cardToken'],
    ['order', 'payments', 1, 'cardToken', 'creditCard'],
    ['order', 'payments', 1, 'cardToken', 'creditCard', 'lastDigits'],
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
    const last = path[path.length - 1];
    // JSON has no holes in arrays: an element left out is removed.
    if (value === undefined && Array.isArray(at)) at.splice(Number(last), 1);
    else if (value === undefined) delete at[last];
    else at[last] = value;
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
        const dtoOk = dtoProblems(body) === 0;
        const at = `${path.join('.')} = ${JSON.stringify(value)}`;
        assert.equal(isValidRequest(body), dtoOk, `the fast check, ${at}`);
        const result = validateOrderRequest(body);
        assert.equal(result.ok, dtoOk, at);
        // Cut down to its failing elements, the body is described as class-validator describes it whole.
        assert.deepEqual(result.ok ? [] : result.problems, describeProblems(body), at);
      }
    }
  });
});

describe('validateOrderRequest, a large body that fails', () => {
  const lines = (count: number) =>
    Array.from({ length: count }, (_, i) => ({
      itemId: `item-${i}`,
      count: 1,
      price: 100,
      variationsChoices: [[{ itemId: `choice-${i}`, count: 1, price: 0 }]],
    }));
  const bodyWith = (orderItems: unknown[]) => {
    const body = valid();
    (body.order as Record<string, unknown>).orderItems = orderItems;
    return body;
  };
  const timed = (body: unknown) => {
    const started = performance.now();
    const result = validateOrderRequest(body);
    return { result, ms: performance.now() - started };
  };

  it('describes the first failing elements of 200,000 at the indices they had, and counts the rest', () => {
    const all = lines(200_000) as Array<Record<string, unknown>>;
    for (const line of all) line.itemId = 7;
    const { result, ms } = timed(bodyWith(all));
    assert.ok(!result.ok);
    assert.equal(result.problems.length, MAX_DESCRIBED);
    assert.equal(result.problems[0], 'order.orderItems[0].itemId must be a string');
    assert.equal(result.problems[19], 'order.orderItems[19].itemId must be a string');
    assert.equal(result.omitted, 200_000 - MAX_DESCRIBED);
    // Whole, class-validator took 7 s on this body here; cut, about 0.2 s.
    assert.ok(ms < 1_500, `${ms} ms`);
  });

  it('finds failing lines and choices among many good ones, at their own indices', () => {
    const all = lines(100_000) as Array<Record<string, unknown>>;
    all[5].count = 0;
    (all[90_000].variationsChoices as Array<Array<Record<string, unknown>>>)[0][0].price = 'x';
    const { result, ms } = timed(bodyWith(all));
    assert.deepEqual(result, {
      ok: false,
      problems: [
        'order.orderItems[5].count must not be less than 1',
        'order.orderItems[90000].variationsChoices[0][0].price must be an integer number',
      ],
      omitted: 0,
    });
    assert.ok(ms < 1_500, `${ms} ms`);
  });

  it('describes a failure at the bottom of choices 12 levels deep, whatever the budget', () => {
    let bottom: Record<string, unknown> = { itemId: 'deep', count: 0 };
    let path = '';
    for (let depth = 0; depth < 12; depth++) {
      bottom = { itemId: `level-${depth}`, count: 1, variationsChoices: [[], [bottom]] };
      path += '.variationsChoices[1][0]';
    }
    const result = validateOrderRequest(bodyWith([...lines(3), bottom]));
    assert.deepEqual(result, {
      ok: false,
      problems: [`order.orderItems[3]${path}.count must not be less than 1`],
      omitted: 0,
    });
  });

  it('spends the budget on failures, not on the lines above them, and counts each left out once', () => {
    const all = lines(30) as Array<Record<string, unknown>>;
    for (const line of all) {
      (line.variationsChoices as Array<Array<Record<string, unknown>>>)[0][0].count = 0;
    }
    const result = validateOrderRequest(bodyWith(all));
    assert.ok(!result.ok);
    assert.equal(result.problems.length, MAX_DESCRIBED);
    assert.equal(
      result.problems[19],
      'order.orderItems[19].variationsChoices[0][0].count must not be less than 1',
    );
    assert.equal(result.omitted, 30 - MAX_DESCRIBED);

    // The budget spent on menu items: the one bad line is counted, and not described as well.
    const body = bodyWith([{ itemId: 7, count: 1 }]);
    (body.menu as { items: unknown[] }).items = Array.from({ length: 20 }, () => ({ id: 7 }));
    const spent = validateOrderRequest(body);
    assert.ok(!spent.ok);
    assert.equal(spent.problems.length, MAX_DESCRIBED);
    assert.ok(spent.problems.every((problem) => problem.startsWith('menu.items[')));
    assert.equal(spent.omitted, 1);
  });

  it('names a bad field beside 100,000 good lines and menu items, and nothing else', () => {
    const body = bodyWith(lines(100_000));
    (body.menu as { items: unknown[] }).items = Array.from({ length: 100_000 }, (_, i) => ({
      id: `item-${i}`,
    }));
    (body.order as Record<string, unknown>).price = -1;
    const { result, ms } = timed(body);
    assert.deepEqual(result, {
      ok: false,
      problems: ['order.price must not be less than 0'],
      omitted: 0,
    });
    assert.ok(ms < 1_500, `${ms} ms`);
  });
});
