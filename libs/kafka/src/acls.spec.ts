import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { aclsFor, describeAcl } from './acls';

describe('aclsFor', () => {
  const lines = aclsFor({
    gateway: 'User:gateway',
    workers: { demo: 'User:worker-demo', acme: 'User:worker-acme' },
  }).map(describeAcl);
  const of = (principal: string) => lines.filter((line) => line.startsWith(`${principal} `));

  it('lets a gateway write orders and answers, and read only the replies in its own groups', () => {
    assert.deepEqual(of('User:gateway').sort(), [
      'User:gateway ALTER_CONFIGS TOPIC pos.order-replies.v1 (literal)',
      'User:gateway CREATE TOPIC pos.order-replies.v1 (literal)',
      'User:gateway DESCRIBE TOPIC pos.answers. (prefixed)',
      'User:gateway DESCRIBE TOPIC pos.order-replies.v1 (literal)',
      'User:gateway DESCRIBE TOPIC pos.orders. (prefixed)',
      'User:gateway DESCRIBE_CONFIGS TOPIC pos.order-replies.v1 (literal)',
      'User:gateway READ GROUP pos-gateway. (prefixed)',
      'User:gateway READ TOPIC pos.order-replies.v1 (literal)',
      'User:gateway WRITE TOPIC pos.answers. (prefixed)',
      'User:gateway WRITE TOPIC pos.orders. (prefixed)',
    ]);
  });

  it("lets a brand's workers read that brand's orders and answers only, and write replies", () => {
    const demo = of('User:worker-demo');
    assert.ok(demo.includes('User:worker-demo READ TOPIC pos.orders.demo.v1 (literal)'));
    assert.ok(demo.includes('User:worker-demo READ GROUP pos-worker.demo.v1 (literal)'));
    assert.ok(demo.includes('User:worker-demo READ GROUP pos-worker.demo.answers.v1 (literal)'));
    assert.ok(demo.includes('User:worker-demo WRITE TOPIC pos.order-replies.v1 (literal)'));
    assert.ok(!demo.some((line) => line.includes('acme')), 'nothing of another brand');
    assert.ok(!demo.some((line) => line.includes('prefixed')), 'nothing by prefix');
    assert.ok(!demo.some((line) => / (WRITE|ALL) TOPIC pos\.orders\./.test(line)));
    assert.ok(!lines.some((line) => / ALL /.test(line)), 'no ALL anywhere');
  });
});
