import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { SpiErrorCode, spiSuccess } from '@wix-pos-gateway/contracts';
import {
  Delivery,
  OrderRecord,
  RecordedAnswers,
  idempotencyKeyOf,
  onCancelled,
  onDelivery,
  onPosOutcome,
  onSweep,
  onWaitedOut,
} from './order-lifecycle';

const settings = { minBudgetMs: 500, settleMs: 10_000 };
const delivery: Delivery = { brand: 'acme', wixOrderId: 'o1', now: 1_000, budgetMs: 7_000 };
const key = 'wix:acme:o1';

function record(overrides: Partial<OrderRecord> = {}): OrderRecord {
  return {
    state: 'submitting',
    attempt: 1,
    idempotencyKey: key,
    answerBy: 8_000,
    changedAt: 1_000,
    inDoubt: false,
    ...overrides,
  };
}

const accepted = record({ state: 'accepted', posOrderId: 'pos-1' });
const failure = { code: SpiErrorCode.PosError, description: 'the POS is down' };

function codeOf(response: unknown): string | undefined {
  return (response as { error?: { code: string } }).error?.code;
}

describe('idempotencyKeyOf', () => {
  it('names the first attempt by the order, and later ones by their number', () => {
    assert.equal(idempotencyKeyOf('acme', 'o1'), key);
    assert.equal(idempotencyKeyOf('acme', 'o1', 3), 'wix3:acme:o1');
  });

  it('never gives two attempts one key, whatever the order ids hold', () => {
    const ids = ['a', 'a:2', 'a:2:3', '2:a', 'a:', ':a', 'wix2:acme:a', '3'];
    const keys = new Map<string, string>();
    for (const brand of ['acme', 'acme-2']) {
      for (const id of ids) {
        for (const attempt of [1, 2, 3, 12]) {
          const named = idempotencyKeyOf(brand, id, attempt);
          const who = `${brand} ${id} #${attempt}`;
          assert.equal(keys.get(named), undefined, `${who} has the key of ${keys.get(named)}`);
          keys.set(named, who);
        }
      }
    }
  });
});

describe('onDelivery', () => {
  it('submits a new order with an answerBy of its budget on the ledger clock', () => {
    assert.deepEqual(onDelivery(undefined, delivery, settings), {
      kind: 'submit',
      record: record(),
    });
  });

  it('answers endpoint_down when too little budget is left for a new attempt', () => {
    const step = onDelivery(undefined, { ...delivery, budgetMs: 499 }, settings);
    assert.equal(step.kind, 'reply');
    assert.equal(step.kind === 'reply' && codeOf(step.response), SpiErrorCode.EndpointDown);
    assert.equal(step.kind === 'reply' && step.record, undefined);
  });

  it('replays an acceptance, pushing answerBy out to its own budget', () => {
    const step = onDelivery(accepted, { ...delivery, now: 5_000 }, settings);
    assert.deepEqual(step, {
      kind: 'reply',
      response: spiSuccess('pos-1'),
      record: { ...accepted, answerBy: 12_000 },
    });
  });

  it('replays an acceptance without a write when answerBy already covers it', () => {
    const step = onDelivery(accepted, { ...delivery, budgetMs: 2_000 }, settings);
    assert.deepEqual(step, { kind: 'reply', response: spiSuccess('pos-1'), record: undefined });
  });

  it('replays a confirmed order and a rejection', () => {
    const confirmed = { ...accepted, state: 'confirmed' as const };
    assert.deepEqual(onDelivery(confirmed, delivery, settings), {
      kind: 'reply',
      response: spiSuccess('pos-1'),
    });
    const rejected = record({ state: 'rejected', failure });
    const step = onDelivery(rejected, delivery, settings);
    assert.deepEqual(step, { kind: 'reply', response: { error: failure } });
  });

  it('waits while an attempt is in flight or being voided', () => {
    for (const state of ['submitting', 'voiding'] as const) {
      assert.deepEqual(onDelivery(record({ state }), delivery, settings), { kind: 'wait' });
    }
  });

  it('retries a failed attempt under the same key', () => {
    const failed = record({ state: 'failed', failure });
    const step = onDelivery(failed, delivery, settings);
    assert.deepEqual(step, { kind: 'submit', record: record({ attempt: 2 }) });
  });

  it('answers the failure of a void that failed, whose key a new attempt may not reuse', () => {
    const voidFailed = {
      code: SpiErrorCode.EndpointDown,
      description: 'the POS could not void it',
    };
    const failed = record({ state: 'failed', failure: voidFailed, inDoubt: true });
    const step = onDelivery(failed, delivery, settings);
    assert.deepEqual(step, { kind: 'reply', response: { error: voidFailed } });
  });

  it('starts a voided order again under a new key', () => {
    const voided = record({ state: 'voided', posOrderId: 'pos-1' });
    const step = onDelivery(voided, delivery, settings);
    assert.deepEqual(step, {
      kind: 'submit',
      record: record({ attempt: 2, idempotencyKey: 'wix2:acme:o1' }),
    });
  });
});

describe('onWaitedOut', () => {
  it('answers endpoint_down', () => {
    assert.equal(codeOf(onWaitedOut()), SpiErrorCode.EndpointDown);
  });
});

describe('onPosOutcome', () => {
  const now = 3_000;

  it('records an acceptance in time and answers its id', () => {
    const step = onPosOutcome(record(), 1, { kind: 'accepted', posOrderId: 'pos-1' }, false, now);
    assert.deepEqual(step, {
      record: { ...accepted, changedAt: now },
      cancel: false,
      response: spiSuccess('pos-1'),
    });
  });

  it('voids an acceptance that came after the call deadline', () => {
    const step = onPosOutcome(record(), 1, { kind: 'accepted', posOrderId: 'pos-1' }, true, now);
    assert.equal(step.cancel, true);
    assert.deepEqual(
      step.record,
      record({ state: 'voiding', posOrderId: 'pos-1', changedAt: now }),
    );
    assert.equal(codeOf(step.response), SpiErrorCode.EndpointDown);
  });

  it('voids an abandoned call by its key', () => {
    const step = onPosOutcome(record(), 1, { kind: 'abandoned' }, true, now);
    assert.equal(step.cancel, true);
    assert.equal(step.record?.state, 'voiding');
    assert.equal(codeOf(step.response), SpiErrorCode.EndpointDown);
  });

  it('voids a failure after which the POS may hold the order', () => {
    const outcome = { kind: 'failed' as const, failure, retryable: true, mayExist: true };
    const step = onPosOutcome(record(), 1, outcome, false, now);
    assert.equal(step.cancel, true);
    assert.equal(step.record?.state, 'voiding');
    assert.equal(codeOf(step.response), SpiErrorCode.EndpointDown);
  });

  it('records a failure as retryable or final, and answers it', () => {
    for (const [retryable, state] of [
      [true, 'failed'],
      [false, 'rejected'],
    ] as const) {
      const outcome = { kind: 'failed' as const, failure, retryable, mayExist: false };
      const step = onPosOutcome(record(), 1, outcome, false, now);
      assert.deepEqual(step, {
        record: record({ state, failure, changedAt: now }),
        cancel: false,
        response: { error: failure },
      });
    }
  });

  it('writes nothing for an attempt that was taken over', () => {
    const outcome = { kind: 'accepted' as const, posOrderId: 'pos-1' };
    for (const current of [undefined, record({ attempt: 2 }), record({ state: 'voiding' })]) {
      const step = onPosOutcome(current, 1, outcome, false, now);
      assert.equal(step.record, undefined);
      assert.equal(step.cancel, false);
      assert.equal(codeOf(step.response), SpiErrorCode.EndpointDown);
    }
  });
});

const NONE: RecordedAnswers = { decided: 0, unwritten: 0, foreignIds: 0 };

describe('onCancelled', () => {
  const voiding = record({ state: 'voiding', posOrderId: 'pos-1', inDoubt: true });

  it('records a void', () => {
    assert.deepEqual(
      onCancelled(voiding, 1, 'voided', 9_000),
      record({ state: 'voided', posOrderId: 'pos-1', changedAt: 9_000 }),
    );
  });

  it('flags an order the POS could not void', () => {
    const next = onCancelled(voiding, 1, 'failed', 9_000);
    assert.equal(next?.state, 'failed');
    assert.equal(next?.inDoubt, true);
    assert.equal(next?.failure?.code, SpiErrorCode.EndpointDown);
  });

  it('flags an order an integration with no void left at the POS, and lets its key be reused', () => {
    const next = onCancelled(voiding, 1, 'unsupported', 9_000);
    assert.equal(next?.state, 'failed');
    assert.equal(next?.inDoubt, true);
    assert.equal(next?.unvoidable, true);
    // No void is on its way: a retry may take back what the POS holds under the key.
    const step = onDelivery(next, delivery, settings);
    assert.equal(step.kind, 'submit');
    assert.equal(step.kind === 'submit' && step.record.idempotencyKey, next?.idempotencyKey);
    assert.equal(step.kind === 'submit' && step.record.inDoubt, true);
    // Nothing for the sweep to try again.
    assert.equal(onSweep(next, { now: 1e9, proven: true, answers: NONE }, settings), undefined);
  });

  it('writes nothing for another attempt or a record no longer voiding', () => {
    assert.equal(onCancelled(voiding, 2, 'voided', 9_000), undefined);
    assert.equal(onCancelled(accepted, 1, 'voided', 9_000), undefined);
    assert.equal(onCancelled(undefined, 1, 'voided', 9_000), undefined);
  });
});

describe('onSweep', () => {
  const none: RecordedAnswers = { decided: 0, unwritten: 0, foreignIds: 0 };
  const one: RecordedAnswers = { decided: 1, unwritten: 0, foreignIds: 0 };
  const settledAt = 8_000 + 10_001;
  const sweep = (answers = none, now = settledAt, proven = true) => ({ now, proven, answers });

  it('voids an attempt left submitting once settled', () => {
    assert.equal(onSweep(record(), sweep(none, 18_000), settings), undefined);
    assert.deepEqual(onSweep(record(), sweep(), settings), {
      record: record({ state: 'voiding', changedAt: settledAt }),
      cancel: true,
    });
  });

  it('leaves an acceptance be until settled and proven', () => {
    assert.equal(onSweep(accepted, sweep(none, 18_000), settings), undefined);
    assert.equal(onSweep(accepted, sweep(none, settledAt, false), settings), undefined);
  });

  it('voids a proven acceptance no gateway decided', () => {
    assert.deepEqual(onSweep(accepted, sweep(), settings), {
      record: { ...accepted, state: 'voiding', changedAt: settledAt },
      cancel: true,
    });
  });

  it('voids a proven acceptance only decisions for an earlier id name', () => {
    const step = onSweep(accepted, sweep({ decided: 1, unwritten: 1, foreignIds: 1 }), settings);
    assert.equal(step?.record.state, 'voiding');
    assert.equal(step?.cancel, true);
  });

  it('confirms a decided acceptance, in doubt if a decision is unwritten or foreign', () => {
    const confirm = (answers: RecordedAnswers) => onSweep(accepted, sweep(answers), settings);
    assert.deepEqual(confirm(one), {
      record: { ...accepted, state: 'confirmed', changedAt: settledAt },
      cancel: false,
    });
    assert.equal(confirm({ ...one, unwritten: 1 })?.record.inDoubt, true);
    // A gateway died deciding, and Wix's retry was answered the id by another: a `written`
    // mark shows only that a response reached the connection, so the first decision still
    // leaves the order in doubt.
    assert.equal(confirm({ decided: 2, unwritten: 1, foreignIds: 0 })?.record.inDoubt, true);
    const mixed = confirm({ decided: 2, unwritten: 0, foreignIds: 1 });
    assert.equal(mixed?.record.state, 'confirmed');
    assert.equal(mixed?.record.inDoubt, true);
  });

  it('never voids a confirmed order, and flags it while its decisions are in doubt', () => {
    const confirmed = { ...accepted, state: 'confirmed' as const };
    assert.equal(onSweep(confirmed, sweep(one), settings), undefined);
    assert.deepEqual(onSweep(confirmed, sweep(none), settings), {
      record: { ...confirmed, inDoubt: true },
      cancel: false,
    });
    assert.deepEqual(onSweep({ ...confirmed, inDoubt: true }, sweep(one), settings), {
      record: confirmed,
      cancel: false,
    });
  });

  it('takes over a void left stale', () => {
    const voiding = record({ state: 'voiding', changedAt: 1_000 });
    assert.equal(onSweep(voiding, sweep(none, 11_000), settings), undefined);
    assert.deepEqual(onSweep(voiding, sweep(none, 11_001), settings), {
      record: { ...voiding, changedAt: 11_001 },
      cancel: true,
    });
  });

  it('voids again a failed void once stale, and leaves a plain failure be', () => {
    const inDoubt = record({ state: 'failed', inDoubt: true, failure });
    assert.equal(onSweep(inDoubt, sweep(none, 11_000), settings), undefined);
    assert.equal(onSweep(inDoubt, sweep(none, 11_001), settings)?.record.state, 'voiding');
    assert.equal(onSweep({ ...inDoubt, inDoubt: false }, sweep(), settings), undefined);
  });

  it('leaves voided and rejected orders be', () => {
    for (const state of ['voided', 'rejected'] as const) {
      assert.equal(onSweep(record({ state }), sweep(), settings), undefined);
    }
  });
});
