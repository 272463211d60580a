import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  findUnsafeJson,
  findUnstorableText,
  holdsMoreJsonValues,
  mayHoldUnstorableText,
} from './json-guard';

function nested(depth: number): unknown {
  let value: unknown = 1;
  for (let i = 0; i < depth; i++) value = { a: [value] };
  return value;
}

describe('findUnsafeJson', () => {
  it('accepts ordinary JSON', () => {
    assert.equal(findUnsafeJson({ order: { items: [1, 'x', null, { y: true }] } }), undefined);
    assert.equal(findUnsafeJson(nested(31)), undefined);
  });

  it('rejects nesting deeper than the limit without recursing', () => {
    assert.match(findUnsafeJson(nested(10_000)) ?? '', /nested deeper than 64 levels/);
  });

  it('rejects __proto__ keys wherever they are', () => {
    const body = JSON.parse(
      '{"order":{"orderItems":[{"__proto__":{"polluted":true}}]}}',
    ) as unknown;
    assert.equal(findUnsafeJson(body), 'order.orderItems[0].__proto__ is not an allowed key');
    assert.equal(({} as Record<string, unknown>).polluted, undefined);
  });

  it('rejects a number too large for a double, which would travel on as null', () => {
    const body = JSON.parse(
      '{"menu":{"items":[{"price":1e400}]},"order":{"x":[1,-1e999]}}',
    ) as unknown;
    assert.match(
      findUnsafeJson(body) ?? '',
      /^(menu\.items\[0\]\.price|order\.x\[1\]) is a number too large to represent$/,
    );
    assert.equal(findUnsafeJson({ order: { count: 1e308, price: -0.5 } }), undefined);
  });
});

describe('a long path', () => {
  it('is cut to its ends, and leaves no digits at either cut', () => {
    const key = `${'a'.repeat(48)}4664 8639 4879 5125${'b'.repeat(60)}`;
    const body = JSON.parse(`{"order":{"${key}":{"__proto__":1}}}`) as unknown;
    const problem = findUnsafeJson(body) ?? '';
    assert.match(problem, /^order\.a+…b+\.__proto__ is not an allowed key$/);
  });
});

describe('findUnstorableText', () => {
  it('finds a NUL or an unpaired surrogate in any string or key, and names where', () => {
    const body = (comment: string) => JSON.parse(`{"order":{"comment":"${comment}"}}`) as unknown;
    assert.equal(
      findUnstorableText(body('a\\u0000b')),
      'order.comment holds a NUL or an unpaired surrogate',
    );
    assert.match(findUnstorableText(body('\\ud800'))!, /^order\.comment holds/);
    assert.match(findUnstorableText(body('x\\udc00'))!, /^order\.comment holds/);
    assert.match(findUnstorableText({ a: [{ b: ['ok', '\udbff!'] }] })!, /^a\[0\]\.b\[1\] holds/);
    assert.equal(
      findUnstorableText({ order: { 'k\u0000': 1 } }),
      'a key under order holds a NUL or an unpaired surrogate',
    );
  });

  it('takes whole characters, escaped or not', () => {
    assert.equal(findUnstorableText(JSON.parse('{"c":"\\ud83d\\ude00 😀 é"}')), undefined);
    assert.equal(findUnstorableText({ n: 1, b: true, z: null, s: ['x'] }), undefined);
  });

  it('is needed only for JSON text with an escape of a NUL or a surrogate', () => {
    const text = (body: string) => [body, Buffer.from(body)];
    for (const json of text('{"c":"😀 plain \\u00e9 \\u0041 \\uFEFF"}')) {
      assert.equal(mayHoldUnstorableText(json), false);
    }
    for (const escape of ['\\u0000', '\\ud800', '\\uDBFF', '\\udc00', '\\uDFFF']) {
      for (const json of text(`{"c":"x \\u0041 ${escape}"}`)) {
        assert.equal(mayHoldUnstorableText(json), true, escape);
      }
    }
    // UTF-8 bytes of a surrogate (CESU-8) decode to U+FFFD, which is stored as it is.
    const cesu = Buffer.concat([
      Buffer.from('{"c":"'),
      Buffer.from([0xed, 0xa0, 0x80]),
      Buffer.from('"}'),
    ]);
    assert.equal(mayHoldUnstorableText(cesu), false);
    assert.equal(findUnstorableText(JSON.parse(cesu.toString('utf8'))), undefined);
  });
});

describe('holdsMoreJsonValues', () => {
  const bytes = (text: string) => Buffer.from(text);

  it('counts the values of the text, not the characters of its strings', () => {
    assert.equal(holdsMoreJsonValues(bytes('{"a":[1,2,3],"b":{"c":4}}'), 7), false);
    assert.equal(holdsMoreJsonValues(bytes('{"a":[1,2,3],"b":{"c":4},"d":5}'), 7), true);
    assert.equal(holdsMoreJsonValues(bytes('{"a":"[,{,[,{,[,{,[,{,\\",\\"x"}'), 3), false);
    assert.equal(holdsMoreJsonValues(bytes('{"a":"\\\\","b":1,"c":2,"d":3}'), 3), true);
  });

  it('counts an empty container once', () => {
    assert.equal(holdsMoreJsonValues(bytes('{"a":{},"b":[ ],"c":[{ }]}'), 5), false);
    assert.equal(holdsMoreJsonValues(bytes('{"a":{},"b":[ ],"c":[{ }],"d":0}'), 5), true);
  });

  it('reads no text of `max` bytes or fewer, and stops at `max`', () => {
    assert.equal(holdsMoreJsonValues(bytes('[[[[[[[[]]]]]]]]'), 16), false);
    const many = bytes(`[${'{},'.repeat(2_000_000)}{}]`);
    const started = performance.now();
    assert.equal(holdsMoreJsonValues(many), true);
    assert.ok(performance.now() - started < 1_000);
    // A menu of 2,000 items holds about 30,000 values.
    const menu = JSON.stringify({
      items: Array.from({ length: 2_000 }, (_, i) => ({
        id: `item-${i}`,
        title: { en_US: `Dish ${i}, with "quotes", [brackets] and {braces}` },
        price: 1_000 + i,
        variations: [{ itemIds: ['a', 'b', 'c'], minNumAllowed: 0, maxNumAllowed: 3 }],
      })),
    });
    assert.equal(holdsMoreJsonValues(bytes(menu), 50_000), false);
  });
});
