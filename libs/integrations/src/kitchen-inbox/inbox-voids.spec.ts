import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { sqlLiteral } from './inbox-voids';

describe('sqlLiteral', () => {
  it('doubles quotes', () => {
    assert.equal(sqlLiteral("wix:demo:O'Brien"), "'wix:demo:O''Brien'");
  });

  it('uses the escape form, backslashes doubled, when the text holds one', () => {
    assert.equal(sqlLiteral("a\\'b"), "E'a\\\\''b'");
  });

  it('keeps newlines and other characters as they are', () => {
    assert.equal(sqlLiteral('demo\nkey é'), "'demo\nkey é'");
  });

  it('refuses a NUL, which no PostgreSQL string can hold', () => {
    assert.throws(() => sqlLiteral('a\0b'), /NUL/);
  });
});
