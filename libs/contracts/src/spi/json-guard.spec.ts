import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { findUnsafeJson } from './json-guard';

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
});
