import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { PosError, PosUnavailableError, UnknownItemsError, isPosFailure } from './pos-errors';

describe('isPosFailure', () => {
  it('recognises the typed failures', () => {
    assert.ok(isPosFailure(new UnknownItemsError(['SKU-1'])));
    assert.ok(isPosFailure(new PosUnavailableError('down', { orderMayExist: true })));
    assert.ok(isPosFailure(new PosError('refused', { retryable: true })));
  });

  it('reads kind and retryable, not the class: a failure of another copy of the SDK counts', () => {
    const foreign = Object.assign(new Error('Acme is down'), {
      kind: 'pos_unavailable',
      retryable: true,
    });
    assert.ok(isPosFailure(foreign));
    assert.ok(!isPosFailure(Object.assign(new Error('?'), { kind: 'teapot', retryable: false })));
    assert.ok(!isPosFailure(Object.assign(new Error('?'), { kind: 'pos_error' })));
    assert.ok(!isPosFailure(new Error('plain')));
  });
});
