import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { onDecision, onReply, onTimeout } from './answer-rules';

describe('answer rules', () => {
  it('decides a value, and answers any other reply as it is', () => {
    assert.deepEqual(onReply({ value: { orderId: 'P-1' } }), { kind: 'decide', posOrderId: 'P-1' });
    const mapping = { error: { code: 'invalid_item_mapping', description: 'item x' } };
    assert.deepEqual(onReply(mapping), { kind: 'answer', response: mapping });
    const garbage = onReply({ value: 'P-1' });
    assert.equal(
      garbage.kind === 'answer' && 'error' in garbage.response && garbage.response.error.code,
      'pos_error',
    );
  });

  it('answers value only for a decision acknowledged before the deadline', () => {
    assert.deepEqual(onDecision(true, true, 'P-1', 8_000), {
      response: { value: { orderId: 'P-1' } },
      withdraw: false,
    });
    for (const [acknowledged, beforeDeadline] of [
      [true, false],
      [false, true],
      [false, false],
    ]) {
      const { response, withdraw } = onDecision(acknowledged, beforeDeadline, 'P-1', 8_000);
      assert.equal('error' in response && response.error.code, 'endpoint_down');
      assert.equal(withdraw, true);
    }
  });

  it('answers a timeout endpoint_down, naming the brand and the deadline', () => {
    const response = onTimeout('demo', 3_000);
    assert.deepEqual(response, {
      error: {
        code: 'endpoint_down',
        description: 'the POS of brand "demo" did not answer within 3000 ms',
      },
    });
  });
});
