import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { SpiErrorCode, spiFailure, spiSuccess } from '@wix-pos-gateway/contracts';
import { onDecision, onReply, onTimeout } from './answer-rules';

describe('onReply', () => {
  it('decides on a value reply before answering it', () => {
    assert.deepEqual(onReply(spiSuccess('pos-1')), { kind: 'decide', posOrderId: 'pos-1' });
  });

  it('answers an SPI error as the worker worded it', () => {
    const failure = spiFailure(SpiErrorCode.InvalidItemMapping, 'no POS item for pizza');
    assert.deepEqual(onReply(failure), { kind: 'answer', response: failure });
  });

  for (const reply of [undefined, null, 'value', { value: {} }, { error: { code: 'nope' } }]) {
    it(`answers pos_error to ${JSON.stringify(reply)}`, () => {
      const step = onReply(reply);
      assert.equal(step.kind, 'answer');
      assert.ok(step.kind === 'answer' && 'error' in step.response);
      assert.equal(step.response.error.code, SpiErrorCode.PosError);
    });
  }
});

describe('onDecision', () => {
  it('answers the id when the decision was acknowledged in time', () => {
    assert.deepEqual(onDecision(true, true, 'pos-1', 8000), {
      response: spiSuccess('pos-1'),
      withdraw: false,
    });
  });

  for (const [acknowledged, beforeDeadline] of [
    [true, false],
    [false, true],
    [false, false],
  ]) {
    it(`answers endpoint_down and withdraws (acknowledged ${acknowledged}, in time ${beforeDeadline})`, () => {
      const { response, withdraw } = onDecision(acknowledged, beforeDeadline, 'pos-1', 8000);
      assert.equal(withdraw, true);
      assert.ok('error' in response);
      assert.equal(response.error.code, SpiErrorCode.EndpointDown);
      assert.match(response.error.description, /8000 ms/);
    });
  }
});

describe('onTimeout', () => {
  it('names the brand and the deadline', () => {
    assert.deepEqual(
      onTimeout('acme', 8000),
      spiFailure(
        SpiErrorCode.EndpointDown,
        'the POS of brand "acme" did not answer within 8000 ms',
      ),
    );
  });
});
