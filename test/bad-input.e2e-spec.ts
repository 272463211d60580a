import assert from 'node:assert/strict';
import { gzipSync } from 'node:zlib';
import { after, before, describe, it } from 'node:test';
import { Answer, answerBeforeBody, postOrder, rawExchange } from './support/http';
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
  let worker: AppProcess;

  before(async () => {
    worker = await startWorker(brand);
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
      name: 'bytes that are not UTF-8',
      send: () => {
        // "café" in Latin-1: the é is a byte UTF-8 never has alone.
        const [head, tail] = JSON.stringify(valid()).split('"orderItems":');
        const note = Buffer.concat([
          Buffer.from('"note":"caf'),
          Buffer.from([0xe9]),
          Buffer.from('",'),
        ]);
        const bytes = Buffer.concat([Buffer.from(head), note, Buffer.from(`"orderItems":${tail}`)]);
        return postOrder(gateway.url, brand, bytes, json);
      },
      status: 400,
      description: /the body is not valid UTF-8/,
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
      name: 'a charset other than UTF-8',
      send: () =>
        postOrder(gateway.url, brand, JSON.stringify(valid()), {
          'content-type': 'application/json; charset=iso-8859-1',
        }),
      status: 415,
      description: /^the body must be UTF-8 JSON$/,
    },
    {
      name: 'a content-encoding it cannot read',
      send: () =>
        postOrder(gateway.url, brand, JSON.stringify(valid()), {
          ...json,
          'content-encoding': 'compress',
        }),
      status: 415,
      description:
        /^the content-encoding is not one the gateway reads \(gzip, deflate and br are\)$/,
    },
    {
      name: 'a card number in an id, which cannot be masked',
      send: () => {
        const body = valid();
        body.order.id = `4111 1111 1111 1111 ${body.order.id}`;
        return postOrder(gateway.url, brand, body);
      },
      status: 200,
      description: /^an id in the order holds a card number/,
    },
    {
      name: 'more text with digits than the gateway searches for cards',
      send: () => {
        const notes = Array.from({ length: 600 }, () => '4111 1111 1111 1111 x '.repeat(100));
        return postOrder(gateway.url, brand, { ...valid(), notes });
      },
      status: 200,
      description: /^invalid order request: the order holds more than 250000 characters of text/,
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
      name: 'a blank order id',
      send: () => {
        const body = valid();
        body.order.id = ' \t ';
        return postOrder(gateway.url, brand, body);
      },
      status: 200,
      description: /^invalid order request: order\.id must not be blank$/,
    },
    {
      name: 'a JSON array instead of an object',
      send: () => postOrder(gateway.url, brand, [valid()]),
      status: 400,
      description: /not valid JSON \(a JSON object is expected\)/,
    },
    {
      name: 'an empty body',
      send: () => postOrder(gateway.url, brand, '', json),
      status: 400,
      description: /not valid JSON \(a JSON object is expected\)/,
    },
    {
      name: 'money, times and ids outside the model (a string price, a 3,000-character id)',
      send: () => {
        const body = valid();
        const order = body.order as Record<string, unknown>;
        order.price = '4300';
        order.created = 'yesterday';
        order.id = '9'.repeat(3_000);
        return postOrder(gateway.url, brand, body);
      },
      status: 200,
      description:
        /order\.id must be shorter than or equal to 256 characters; order\.price must be an integer number; order\.created must be an integer number/,
    },
    {
      name: 'a NUL in a comment, which no order store keeps',
      send: () => {
        const text = JSON.stringify({ ...valid(), x: 1 }).replace('"x":1', '"comment":"a\\u0000b"');
        return postOrder(gateway.url, brand, text, json);
      },
      status: 400,
      description: /^the body is not acceptable: comment holds a NUL or an unpaired surrogate$/,
    },
    {
      name: 'half of a surrogate pair in a name',
      send: () => {
        const text = JSON.stringify(valid()).replace(
          '"orderItems":',
          '"who":"\\ud800","orderItems":',
        );
        return postOrder(gateway.url, brand, text, json);
      },
      status: 400,
      description: /^the body is not acceptable: order\.who holds a NUL or an unpaired surrogate$/,
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
    {
      name: 'a payment without a type, which would pass for one already paid',
      send: () => {
        const body = valid();
        (body.order as unknown as { payments: Array<Record<string, unknown>> }).payments = [
          { amount: 4300, cardToken: { token: 'card_token_1', creditCard: {} } },
        ];
        return postOrder(gateway.url, brand, body);
      },
      status: 200,
      description: /^invalid order request: order\.payments\[0\]\.type must be a string/,
    },
    {
      name: 'a card token on a payment whose type reads as credit but is not, which would go uncharged',
      send: () => {
        const body = valid();
        (body.order as unknown as { payments: Array<Record<string, unknown>> }).payments = [
          { type: 'CREDIT', amount: 4300, cardToken: { token: 'card_token_1', creditCard: {} } },
        ];
        return postOrder(gateway.url, brand, body);
      },
      status: 200,
      description:
        /^invalid order request: order\.payments\[0\]\.cardToken is on a payment whose type reads as credit but is not "credit"/,
    },
    {
      name: 'a time that reads as a card number (a Diners number, or the year 2920)',
      send: () => {
        const body = valid();
        (body.order as unknown as { created: number }).created = 36_000_000_000_008;
        return postOrder(gateway.url, brand, body);
      },
      status: 200,
      description: /^invalid order request: order\.created reads as a card number/,
    },
    {
      name: 'a price too large for a double (1e400, Infinity once parsed)',
      send: () => {
        const text = JSON.stringify(valid()).replace(/"price":\d+/, '"price":1e400');
        return postOrder(gateway.url, brand, text, json);
      },
      status: 400,
      description: /^the body is not acceptable: menu\.items\[\d+\]\.price is a number too large/,
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

  it('describes a body of 300,000 failing lines at once, and answers an order sent beside it in time', async () => {
    const body = valid() as unknown as { order: Record<string, unknown> };
    // 900,000 values: just under the most a body may hold (MAX_JSON_VALUES).
    body.order.orderItems = Array.from({ length: 300_000 }, () => ({ itemId: 7, count: 1 }));
    const text = JSON.stringify(body);
    assert.ok(text.length > 6_000_000 && text.length < 10 * 1024 * 1024, `${text.length} bytes`);
    const started = performance.now();
    const since = () => performance.now() - started;
    const [large, beside] = await Promise.all([
      postOrder(gateway.url, brand, text, json).then((answer) => ({ answer, ms: since() })),
      postOrder(gateway.url, brand, valid()).then((answer) => ({ answer, ms: since() })),
    ]);
    assert.equal(large.answer.body.error?.code, 'pos_error');
    assert.match(
      large.answer.body.error?.description ?? '',
      /^invalid order request: order\.orderItems\[0\]\.itemId must be a string; .*order\.orderItems\[19\]\.itemId must be a string; and at least 299980 more$/,
    );
    assert.match(beside.answer.body.value?.orderId ?? JSON.stringify(beside.answer.body), /^\d+$/);
    // Whole, class-validator held the gateway's thread about 15 s on such a body.
    assert.ok(large.ms < 3_000 && beside.ms < 3_000, `${large.ms} / ${beside.ms} ms`);
  });

  it('takes an order in utf8 or gzip-encoded, and counts its limit on the body as read', async () => {
    const utf8 = { 'content-type': 'application/json; charset=utf8' };
    const plain = await postOrder(gateway.url, brand, JSON.stringify(valid()), utf8);
    assert.match(plain.body.value?.orderId ?? JSON.stringify(plain.body), /^\d+$/);
    const zipped = gzipSync(JSON.stringify(valid()));
    const headers = { ...json, 'content-encoding': 'gzip' };
    const answer = await postOrder(gateway.url, brand, zipped, headers);
    assert.match(answer.body.value?.orderId ?? JSON.stringify(answer.body), /^\d+$/);
    // 20 MB of spaces zip to kilobytes: what counts is what they inflate to.
    const bomb = gzipSync(
      Buffer.concat([Buffer.from('{"a":'), Buffer.alloc(20e6, ' '), Buffer.from('1}')]),
    );
    const refused = await postOrder(gateway.url, brand, bomb, headers);
    assert.equal(refused.status, 413);
    assert.match(refused.body.error?.description ?? '', /larger than the limit/);
  });

  it('answers unknown routes and methods in the SPI shape too', async () => {
    const res = await fetch(`${gateway.url}/webhooks/wix/${brand}`);
    assert.equal(res.status, 404);
    const body = (await res.json()) as Answer['body'];
    assert.equal(body.error?.code, 'pos_error');
  });

  it('masks a card number in whatever part of the body a description names', async () => {
    const pan = '4485275742308327';
    const text = JSON.stringify(valid()).replace(
      '"orderItems":',
      `"${pan}":{"__proto__":1},"orderItems":`,
    );
    const answer = await postOrder(gateway.url, brand, text, json);
    assert.equal(answer.status, 400);
    assert.match(
      answer.body.error?.description ?? '',
      /448527\*+8327\.__proto__ is not an allowed key/,
    );
    const brandAnswer = await postOrder(gateway.url, pan, valid());
    assert.equal(brandAnswer.body.error?.code, 'endpoint_down');
    assert.doesNotMatch(JSON.stringify([answer.body, brandAnswer.body]), new RegExp(pan));
  });

  it('masks a card number in the URL, escaped, with `+` or not, echoes no query, and cuts a long brand', async () => {
    const grouped = '4485%202757%204230%208327';
    const answers: Answer['body'][] = [];
    const paths = [
      `webhooks/wix/${grouped}%ZZ`,
      `nowhere/${grouped}`,
      'nowhere/4485+2757+4230+8327',
      'nowhere/4485275742308327/?pan=4485+2757+4230+8327&cvv=123',
      'nowhere/4485275742308327?pan=4485,2757,4230,8327',
    ];
    for (const path of paths) {
      const res = await fetch(`${gateway.url}/${path}`, { method: 'POST', headers: json });
      assert.ok(res.status === 400 || res.status === 404, `${path}: ${res.status}`);
      answers.push((await res.json()) as Answer['body']);
    }
    // Escaped twice: the route's brand is still escaped once.
    const twice = await postOrder(gateway.url, grouped.replaceAll('%', '%25'), valid());
    assert.equal(twice.body.error?.code, 'endpoint_down');
    answers.push(twice.body);
    const long = await postOrder(gateway.url, `b${'x'.repeat(5_000)}`, valid());
    assert.ok((long.body.error?.description.length ?? 0) < 120, long.body.error?.description);
    for (const body of answers) assert.match(body.error?.description ?? '', /448527\*{6}8327/);
    assert.doesNotMatch(JSON.stringify(answers), /4485\D{0,3}2757\D{0,3}4230\D{0,3}8327|123/);
    assert.doesNotMatch(gateway.logs(), /4485\D{0,5}2757\D{0,5}4230\D{0,5}8327/);
  });

  it('quotes no card number of a URL under /health, on the gateway or the worker', async () => {
    const pan = '4485275742308327';
    const quoted: string[] = [];
    for (const path of [
      `healthz?pan=${pan}&cvv=123`,
      `health/${pan}`,
      `health${pan}`,
      `health/live/${pan}`,
      `health/ready?pan=${pan}&cvv=123`,
      `health/x/4485%202757%204230%208327`,
    ]) {
      const res = await fetch(`${gateway.url}/${path}`);
      const text = await res.text();
      quoted.push(text);
      if (path.startsWith('health/ready')) {
        // A health check's own route still answers as a probe, query or not.
        assert.equal(res.status, 200, `${path}: ${text}`);
        continue;
      }
      assert.equal(res.status, 404, `${path}: ${text}`);
      assert.equal((JSON.parse(text) as Answer['body']).error?.code, 'pos_error', text);
    }
    for (const [path, status] of [
      [`health/x${pan}?pan=${pan}`, 404],
      ['nope/4485-2757-4230-8327', 404],
      [`orders/${pan}/x`, 404],
      [`orders/${pan}%E0%A4%A`, 400],
    ] as const) {
      const res = await fetch(`${worker.url}/${path}`);
      const text = await res.text();
      assert.equal(res.status, status, `${path}: ${text}`);
      assert.match(text, /448527\*{6}8327/);
      quoted.push(text);
    }
    // The ops port reads no body, so no parser quotes one.
    const posted = await fetch(`${worker.url}/anything`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: `${pan}x`,
    });
    quoted.push(await posted.text());
    assert.doesNotMatch(quoted.join('\n'), /4485\D{0,3}2757\D{0,3}4230\D{0,3}8327|cvv=123/);
    assert.doesNotMatch(
      `${gateway.logs()}${worker.logs()}`,
      /4485\D{0,5}2757\D{0,5}4230\D{0,5}8327/,
    );
  });

  it('refuses a body of more JSON values than any real one before parsing it', async () => {
    const text = JSON.stringify(valid()).replace(
      '"orderItems":',
      `"extra":[${'{},'.repeat(1_200_000)}{}],"orderItems":`,
    );
    const answer = await postOrder(gateway.url, brand, text);
    assert.equal(answer.status, 413);
    assert.match(answer.body.error?.description ?? '', /more than 1000000 JSON values/);
    assert.ok(answer.ms < 2_000, `answered after ${answer.ms} ms`);
    const next = await postOrder(gateway.url, brand, valid());
    assert.match(next.body.value?.orderId ?? JSON.stringify(next.body), /^\d+$/);
  });

  it('never echoes the body in a parse error', async () => {
    const text = '{"cards":{"t":{"number":"4111111111111111"}},"order": nope}';
    const answer = await postOrder(gateway.url, brand, text, json);
    assert.equal(answer.body.error?.code, 'pos_error');
    assert.doesNotMatch(JSON.stringify(answer.body), /4111|nope/);
    assert.doesNotMatch(gateway.logs(), /4111111111111111/);
  });
});

describe('a body that is not coming, or too large to come, is answered without waiting for it', () => {
  const brand = uniqueBrand('slow-body');
  let gateway: AppProcess;
  const deadlineMs = 1_500;

  before(async () => {
    await startWorker(brand);
    gateway = await startGateway({ ORDER_DEADLINE_MS: String(deadlineMs) });
  });
  after(stopAll);

  const url = () => `${gateway.url}/webhooks/wix/${brand}`;
  const late = (part: string) => ({
    error: {
      code: 'endpoint_down',
      description: `the request ${part} did not arrive within ${deadlineMs} ms`,
    },
  });

  it('answers endpoint_down at the deadline when the body is still coming, and closes the connection', async () => {
    const started = performance.now();
    const answer = await answerBeforeBody(url(), json, 1_000, deadlineMs + 3_000);
    const ms = performance.now() - started;
    assert.ok(answer.answered, 'answered');
    assert.equal(answer.status, 408);
    assert.deepEqual(answer.body, late('body'));
    assert.ok(answer.closed, 'the connection is closed');
    assert.ok(ms >= deadlineMs - 50 && ms < deadlineMs + 1_000, `answered after ${ms} ms`);
    const next = await postOrder(gateway.url, brand, renamed(example('order-takeout-cash')));
    assert.match(next.body.value?.orderId ?? JSON.stringify(next.body), /^\d+$/);
  });

  it('answers endpoint_down at the deadline when the headers are still coming', async () => {
    const path = `/webhooks/wix/${brand}`;
    const answer = await rawExchange(url(), `POST ${path} HTTP/1.1\r\nHost: x\r\n`, 5_000);
    assert.equal(answer.status, 408);
    assert.deepEqual(answer.body, late('headers'));
    assert.ok(answer.closed, 'the connection is closed');
    assert.ok(answer.ms < deadlineMs + 300, `answered after ${answer.ms} ms`);
  });

  it('answers malformed HTTP, oversized headers, an Expect it cannot meet, CONNECT and no body at once, with an SPI body', async () => {
    const path = `/webhooks/wix/${brand}`;
    const head = `POST ${path} HTTP/1.1\r\nHost: x\r\nContent-Type: application/json`;
    const cases = [
      [`${head}\r\nContent-Length: 2\r\nContent-Length: 3\r\n\r\n{}`, 400, true],
      [`${head}\r\nX-Big: ${'x'.repeat(20_000)}\r\n\r\n`, 431, true],
      // A malformed chunk size, in the body of the request being answered.
      [`${head}\r\nTransfer-Encoding: chunked\r\n\r\n2\r\n{}\r\nZZ\r\n`, 400, true],
      [`${head}\r\nExpect: 200-ok\r\n\r\n`, 417, true],
      [`CONNECT ${path} HTTP/1.1\r\nHost: x\r\n\r\n`, 405, true],
      // Neither a length nor chunks: a request without a body, and its connection kept.
      [`${head}\r\n\r\n`, 400, false],
    ] as const;
    for (const [text, status, closes] of cases) {
      const answer = await rawExchange(url(), text, closes ? 3_000 : 500);
      const at = text.startsWith(head)
        ? text.slice(head.length, head.length + 40)
        : text.slice(0, 40);
      assert.equal(answer.status, status, at);
      assert.equal(answer.body?.error?.code, 'pos_error', at);
      assert.equal(answer.closed, closes, at);
      if (closes) assert.ok(answer.ms < deadlineMs - 500, `${at}: answered after ${answer.ms} ms`);
    }
    const next = await postOrder(gateway.url, brand, renamed(example('order-takeout-cash')));
    assert.match(next.body.value?.orderId ?? JSON.stringify(next.body), /^\d+$/);
  });

  it('answers an order, then the malformed request pipelined after it on its connection', async () => {
    const order = JSON.stringify(renamed(example('order-takeout-cash')));
    const head = `POST /webhooks/wix/${brand} HTTP/1.1\r\nHost: x\r\nContent-Type: application/json`;
    const text = `${head}\r\nContent-Length: ${Buffer.byteLength(order)}\r\n\r\n${order}GARBAGE\r\n\r\n`;
    const answer = await rawExchange(url(), text, 5_000);
    assert.equal(answer.status, 200, answer.text);
    assert.match(answer.body?.value?.orderId ?? answer.text, /^\d+$/);
    assert.match(answer.text, /\r\n\r\n\{"value":\{[^]*HTTP\/1\.1 400 Bad Request\r\n/);
    assert.ok(answer.closed);
  });

  it('refuses a body announced over MAX_BODY_BYTES at once, and waits for it no longer than the deadline', async () => {
    const started = performance.now();
    const answer = await answerBeforeBody(url(), json, 99_999_999_999, 1_000);
    assert.ok(answer.answered, 'answered before the deadline');
    assert.equal(answer.status, 413);
    assert.equal(answer.body.error?.code, 'pos_error');
    assert.match(answer.body.error?.description ?? '', /larger than the limit of 10485760 bytes/);
    assert.ok(answer.closed, 'the connection is closed');
    assert.ok(performance.now() - started < deadlineMs + 1_500);
  });
});
