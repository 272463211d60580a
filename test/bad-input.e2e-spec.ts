import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { Answer, postOrder } from './support/http';
import { example, renamed, uniqueBrand } from './support/orders';
import { AppProcess, startGateway, startWorker, stopAll } from './support/processes';

const json = { 'content-type': 'application/json' };

function deeplyNestedChoices(depth: number): string {
  const open = '{"itemId":"x","variationsChoices":[['.repeat(depth);
  const close = ']]}'.repeat(depth);
  const order = `{"id":"1","restaurantId":"2","orderItems":[${open}{"itemId":"y"}${close}]}`;
  return `{"menu":{"items":[]},"order":${order}}`;
}

describe('bad input gets an SPI error body, and the gateway keeps serving', () => {
  const brand = uniqueBrand('bad-input');
  let gateway: AppProcess;

  before(async () => {
    await startWorker(brand);
    gateway = await startGateway();
  });
  after(stopAll);

  const valid = () => renamed(example('order-takeout-cash'));
  const cases: Array<{
    name: string;
    send: () => Promise<Answer>;
    status: number;
    description: RegExp;
  }> = [
    {
      name: 'malformed JSON',
      send: () => postOrder(gateway.url, brand, '{"order": {"id": "1",', json),
      status: 400,
      description: /not valid JSON/,
    },
    {
      name: 'a non-JSON content type',
      send: () => postOrder(gateway.url, brand, 'order=1', { 'content-type': 'text/plain' }),
      status: 415,
      description: /content-type application\/json/,
    },
    {
      name: 'no content type at all',
      send: () => postOrder(gateway.url, brand, JSON.stringify(valid()), {}),
      status: 415,
      description: /content-type application\/json/,
    },
    {
      name: 'a missing order',
      send: () => postOrder(gateway.url, brand, { menu: valid().menu }),
      status: 200,
      description: /^invalid order request: order should not be null or undefined$/,
    },
    {
      name: 'wrong types at depth',
      send: () => {
        const body = valid();
        const choices = body.order.orderItems[1].variationsChoices as Array<
          Array<{ itemId: unknown }>
        >;
        choices[0][0].itemId = 6011645467251806;
        (body.order.orderItems[0] as { count: unknown }).count = '1';
        return postOrder(gateway.url, brand, body);
      },
      status: 200,
      description:
        /order\.orderItems\[0\]\.count must be an integer number; order\.orderItems\[1\]\.variationsChoices\[0\]\[0\]\.itemId must be a string/,
    },
    {
      name: 'a JSON array instead of an object',
      send: () => postOrder(gateway.url, brand, [valid()]),
      status: 200,
      description: /the body must be a JSON object/,
    },
    {
      name: 'a body over MAX_BODY_BYTES (10 MiB by default)',
      send: () => {
        const body = valid();
        body.menu.padding = 'x'.repeat(10 * 1024 * 1024);
        return postOrder(gateway.url, brand, body);
      },
      status: 413,
      description: /larger than the limit of 10485760 bytes/,
    },
    {
      name: '10,000-deep nesting of variation choices',
      send: () => postOrder(gateway.url, brand, deeplyNestedChoices(10_000), json),
      status: 400,
      description: /nested deeper than 64 levels/,
    },
    {
      name: '10,000-deep plain arrays',
      send: () =>
        postOrder(gateway.url, brand, `{"order":${'['.repeat(10_000)}${']'.repeat(10_000)}}`, json),
      status: 400,
      description: /nested deeper than 64 levels/,
    },
    {
      name: 'a __proto__ key',
      send: () => {
        const text = JSON.stringify(valid()).replace(
          '"orderItems":',
          '"__proto__":{"x":1},"orderItems":',
        );
        return postOrder(gateway.url, brand, text, json);
      },
      status: 400,
      description: /order\.__proto__ is not an allowed key/,
    },
  ];

  for (const { name, send, status, description } of cases) {
    it(`answers ${name} with an SPI error, then serves a valid order`, async () => {
      const answer = await send();
      assert.equal(answer.status, status);
      assert.equal(answer.body.error?.code, 'pos_error', JSON.stringify(answer.body));
      assert.match(answer.body.error?.description ?? '', description);
      assert.deepEqual(Object.keys(answer.body), ['error']);

      const next = await postOrder(gateway.url, brand, valid());
      assert.match(next.body.value?.orderId ?? JSON.stringify(next.body), /^\d+$/);
      assert.ok(gateway.running);
    });
  }

  it('answers unknown routes and methods in the SPI shape too', async () => {
    const res = await fetch(`${gateway.url}/webhooks/wix/${brand}`);
    assert.equal(res.status, 404);
    const body = (await res.json()) as Answer['body'];
    assert.equal(body.error?.code, 'pos_error');
  });

  it('never echoes the body in a parse error', async () => {
    const text = '{"cards":{"t":{"number":"4111111111111111"}},"order": nope}';
    const answer = await postOrder(gateway.url, brand, text, json);
    assert.equal(answer.body.error?.code, 'pos_error');
    assert.doesNotMatch(JSON.stringify(answer.body), /4111|nope/);
    assert.doesNotMatch(gateway.logs(), /4111111111111111/);
  });
});
