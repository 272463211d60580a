import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { SeenWebhookIds } from './seen-webhook-ids';

describe('SeenWebhookIds', () => {
  const now = 1_000_000;

  it('takes an id once per brand until it may be forgotten', () => {
    const seen = new SeenWebhookIds();
    assert.equal(seen.firstSighting('demo', 'msg_1', now + 300_000, now), true);
    assert.equal(seen.firstSighting('demo', 'msg_1', now + 300_000, now + 1), false);
    assert.equal(seen.firstSighting('demo', 'msg_1', now + 300_000, now + 299_999), false);
    assert.equal(seen.firstSighting('other', 'msg_1', now + 300_000, now), true);
    assert.equal(seen.firstSighting('demo', 'msg_1', now + 900_000, now + 300_000), true);
  });

  it('forgets expired ids from the oldest on, even behind a live one', () => {
    const seen = new SeenWebhookIds();
    seen.firstSighting('demo', 'late', now + 600_000, now);
    seen.firstSighting('demo', 'early', now + 100_000, now);
    seen.firstSighting('demo', 'next', now + 300_000, now + 1);
    assert.equal(seen.size('demo'), 3);
    assert.equal(seen.firstSighting('demo', 'early', now + 400_000, now + 100_000), true);
    seen.firstSighting('demo', 'last', now + 1_200_000, now + 700_000);
    assert.equal(seen.size('demo'), 1);
  });

  it('keeps at most its bound per brand, forgetting the oldest first', () => {
    const seen = new SeenWebhookIds(3);
    for (const id of ['a', 'b', 'c', 'd']) seen.firstSighting('demo', id, now + 300_000, now);
    assert.equal(seen.size('demo'), 3);
    assert.equal(seen.firstSighting('demo', 'd', now + 300_000, now), false);
    assert.equal(seen.firstSighting('demo', 'b', now + 300_000, now), false);
    assert.equal(seen.firstSighting('demo', 'a', now + 300_000, now), true);
  });

  it('stays within its bound under a flood of a million ids', () => {
    const seen = new SeenWebhookIds();
    for (let i = 0; i < 1_000_000; i++) seen.firstSighting('demo', `msg_${i}`, now + 300_000, now);
    assert.equal(seen.size('demo'), 100_000);
  });
});
