import {
  SpiErrorCode,
  SpiFailure,
  SpiResponse,
  spiFailure,
  spiSuccess,
} from '@wix-pos-gateway/contracts';

/**
 * The order lifecycle: every state a Wix order goes through in the worker, every event that
 * moves it, and every SPI code the worker answers with. Pure: no clock, database, Kafka or POS
 * here. The ledger stores an `OrderRecord` and writes a new one only if the stored one is the
 * one an event was judged against (compare and set); the simulation test drives these same
 * functions through seeded fault schedules. See docs/order-protocol.md.
 *
 * Times are milliseconds on the ledger's clock (PostgreSQL's), never a gateway's or a worker's.
 */
export type OrderState =
  /** Attempt `attempt` is at the POS (or its worker died there). No id was sent for it. */
  | 'submitting'
  /** The POS took the order and its id was sent; final only once a gateway records it. */
  | 'accepted'
  /** A gateway recorded a `value` answer with the id: never voided, by anyone. */
  | 'confirmed'
  /** The POS order of `attempt`, if any, is being voided. */
  | 'voiding'
  /** Voided; a later delivery starts a new attempt under a new key. */
  | 'voided'
  /** Failed retryably; a later delivery tries again under the same key. */
  | 'failed'
  /** Failed for good; every delivery gets the same failure. */
  | 'rejected';

export interface OrderFailure {
  code: SpiErrorCode;
  description: string;
}

export interface OrderRecord {
  state: OrderState;
  /** Attempts made; only the latest may settle the order. */
  attempt: number;
  /** What the POS knows the current attempt by. */
  idempotencyKey: string;
  posOrderId?: string;
  /** Until then a gateway may still record a `value` answer it heard for this order. */
  answerBy: number;
  /** When the state last changed hands: a sweep takes over a `voiding` left this long. */
  changedAt: number;
  failure?: OrderFailure;
  /** A human should look: the POS and Wix may disagree (see docs/order-protocol.md). */
  inDoubt: boolean;
  /**
   * The integration cannot void orders: no void is ever on its way to the POS, so a later
   * delivery may take back under the same key what the POS holds.
   */
  unvoidable?: boolean;
}

export interface LifecycleSettings {
  /** A new attempt needs at least this much of the request's budget left. */
  minBudgetMs: number;
  /** How long past `answerBy` before an unrecorded acceptance is voided. */
  settleMs: number;
}

/** One delivery of an order request to a worker. */
export interface Delivery {
  brand: string;
  wixOrderId: string;
  /** The ledger's clock when the record was read (or is written, for a new order). */
  now: number;
  /** What is left of the gateway's budget, measured before the record was read. */
  budgetMs: number;
}

export type DeliveryStep =
  /** Write `record` (insert or compare and set), then call the POS with its key. */
  | { kind: 'submit'; record: OrderRecord }
  /** Write `record` if given, then reply. */
  | { kind: 'reply'; response: SpiResponse; record?: OrderRecord }
  /** Another attempt is in flight: read the record again shortly, while budget remains. */
  | { kind: 'wait' };

/**
 * The key of an order's attempt at the POS: `wix:<brand>:<id>` for the first, `wix<n>:<brand>:<id>`
 * for the n-th. One key never names two attempts, whatever a Wix order id holds: a brand has no
 * `:`, and only a first attempt's key has one right after `wix`. (A suffix would not do: the
 * second attempt of order `a` would be the first of order `a:2`.)
 */
export function idempotencyKeyOf(brand: string, wixOrderId: string, attempt = 1): string {
  return `wix${attempt === 1 ? '' : attempt}:${brand}:${wixOrderId}`;
}

/** What a delivery does with the order's record (`undefined`: the order is new). */
export function onDelivery(
  record: OrderRecord | undefined,
  delivery: Delivery,
  settings: LifecycleSettings,
): DeliveryStep {
  const answerBy = delivery.now + Math.max(0, delivery.budgetMs);
  if (!record) return attempt(delivery, 1, idempotencyKeyOf(delivery.brand, delivery.wixOrderId));
  switch (record.state) {
    case 'accepted':
      return {
        kind: 'reply',
        response: spiSuccess(record.posOrderId!),
        record: answerBy > record.answerBy ? { ...record, answerBy } : undefined,
      };
    case 'confirmed':
      return { kind: 'reply', response: spiSuccess(record.posOrderId!) };
    case 'rejected':
      return { kind: 'reply', response: failureOf(record) };
    case 'submitting':
    case 'voiding':
      return { kind: 'wait' };
    case 'failed':
      // The void failed, but may yet reach the POS, as may the create it chased: an attempt
      // under that key could be voided after its id was answered. The sweep voids it again.
      if (record.inDoubt && !record.unvoidable)
        return { kind: 'reply', response: failureOf(record) };
      return attempt(delivery, record.attempt + 1, record.idempotencyKey, record);
    case 'voided': {
      const next = record.attempt + 1;
      return attempt(delivery, next, idempotencyKeyOf(delivery.brand, delivery.wixOrderId, next));
    }
  }

  /** A new attempt; after a failure, what was in doubt about the last one stays so. */
  function attempt(d: Delivery, n: number, key: string, failed?: OrderRecord): DeliveryStep {
    if (d.budgetMs < settings.minBudgetMs) return { kind: 'reply', response: tooLate(d.budgetMs) };
    const next: OrderRecord = {
      state: 'submitting',
      attempt: n,
      idempotencyKey: key,
      answerBy,
      changedAt: d.now,
      inDoubt: failed?.inDoubt ?? false,
      ...(failed?.unvoidable ? { unvoidable: true } : {}),
    };
    return { kind: 'submit', record: next };
  }
}

/** The delivery's budget ran out while another attempt was in flight. */
export function onWaitedOut(): SpiFailure {
  return spiFailure(
    SpiErrorCode.EndpointDown,
    'the order is still being submitted by an earlier delivery',
  );
}

export type PosOutcome =
  | { kind: 'accepted'; posOrderId: string }
  /** No answer before the call's deadline: the POS may or may not hold the order. */
  | { kind: 'abandoned' }
  | { kind: 'failed'; failure: OrderFailure; retryable: boolean; mayExist: boolean };

export interface PosStep {
  /** Written by compare and set; on a conflict the event is judged again on the new record. */
  record?: OrderRecord;
  /** Void the POS order of `record` (its key, and its id if known). */
  cancel: boolean;
  response: SpiResponse;
}

/**
 * What the POS answered for `attempt`. `late`: the answer came after the call's deadline on
 * the worker's own clock, so the gateway may have answered already.
 */
export function onPosOutcome(
  record: OrderRecord | undefined,
  attempt: number,
  outcome: PosOutcome,
  late: boolean,
  now: number,
): PosStep {
  if (!record || record.attempt !== attempt || record.state !== 'submitting') {
    // A sweep took the attempt over, and voids it.
    return { cancel: false, response: down('the order was voided past its deadline') };
  }
  if (outcome.kind === 'accepted' && !late) {
    // The POS answered with the order under this key: whatever was in doubt about it is known.
    const accepted = {
      ...record,
      state: 'accepted' as const,
      posOrderId: outcome.posOrderId,
      inDoubt: false,
    };
    return {
      record: { ...accepted, changedAt: now },
      cancel: false,
      response: spiSuccess(outcome.posOrderId),
    };
  }
  if (outcome.kind === 'failed' && !outcome.mayExist) {
    const state = outcome.retryable ? 'failed' : 'rejected';
    const failed: OrderRecord = { ...record, state, failure: outcome.failure, changedAt: now };
    return { record: failed, cancel: false, response: failureOf(failed) };
  }
  const posOrderId = outcome.kind === 'accepted' ? outcome.posOrderId : record.posOrderId;
  const reason =
    outcome.kind === 'accepted'
      ? 'the POS answered after the deadline'
      : outcome.kind === 'abandoned'
        ? 'the POS did not answer before the deadline'
        : outcome.failure.description;
  const voiding: OrderRecord = { ...record, state: 'voiding', posOrderId, changedAt: now };
  return { record: voiding, cancel: true, response: down(`${reason}; the order is voided`) };
}

/** How a void ended: done, failed (it may still land), or not possible with this integration. */
export type CancelResult = 'voided' | 'failed' | 'unsupported';

/** The POS's answer to a void of `attempt`; `undefined`: nothing to write. */
export function onCancelled(
  record: OrderRecord | undefined,
  attempt: number,
  result: CancelResult,
  now: number,
): OrderRecord | undefined {
  if (!record || record.attempt !== attempt || record.state !== 'voiding') return undefined;
  if (result === 'voided') return { ...record, state: 'voided', inDoubt: false, changedAt: now };
  if (result === 'unsupported') {
    const failure = { code: SpiErrorCode.EndpointDown, description: 'the POS cannot void orders' };
    return { ...record, state: 'failed', failure, inDoubt: true, unvoidable: true, changedAt: now };
  }
  // The POS may still hold it, and the void may still reach it: deliveries answer this failure
  // until the sweep's next void succeeds.
  const failure = { code: SpiErrorCode.EndpointDown, description: 'the POS could not void it' };
  return { ...record, state: 'failed', failure, inDoubt: true, changedAt: now };
}

/** What the answers topic holds for one order, read through a proven point. */
export interface RecordedAnswers {
  /** `value` answers recorded by a gateway and not withdrawn. */
  decided: number;
  /** Of those, how many have no "response written" mark from their gateway. */
  unwritten: number;
  /**
   * Of those, how many carried an id other than the record's: decisions acknowledged too late
   * for an attempt voided since, whose withdrawal was lost. They flag the order, but do not keep
   * an acceptance no decision names.
   */
  foreignIds: number;
}

export interface Sweep {
  now: number;
  /**
   * The answers consumer has committed past the end the answers topic had after `now`: no
   * gateway can still record an answer for an order whose `answerBy` is before `now`.
   */
  proven: boolean;
  answers: RecordedAnswers;
}

export interface SweepStep {
  record: OrderRecord;
  cancel: boolean;
}

/** The reconciler's verdict on one order; `undefined`: leave it be for now. */
export function onSweep(
  record: OrderRecord,
  sweep: Sweep,
  settings: LifecycleSettings,
): SweepStep | undefined {
  const settled = sweep.now > record.answerBy + settings.settleMs;
  const stale = sweep.now > record.changedAt + settings.settleMs;
  const voiding = (r: OrderRecord): SweepStep => ({
    record: { ...r, state: 'voiding', changedAt: sweep.now },
    cancel: true,
  });
  switch (record.state) {
    case 'submitting':
      // No id was ever sent for a `submitting` attempt: its worker died, or lost its database,
      // at the POS. Whatever the POS took under the key is voided.
      return settled ? voiding(record) : undefined;
    case 'accepted': {
      if (!settled || !sweep.proven) return undefined;
      const { decided, unwritten, foreignIds } = sweep.answers;
      if (decided === foreignIds) return voiding(record);
      const inDoubt = unwritten > 0 || foreignIds > 0;
      return {
        record: { ...record, state: 'confirmed', inDoubt, changedAt: sweep.now },
        cancel: false,
      };
    }
    case 'confirmed': {
      const { decided, unwritten, foreignIds } = sweep.answers;
      const inDoubt = decided === 0 || unwritten > 0 || foreignIds > 0;
      return inDoubt === record.inDoubt
        ? undefined
        : { record: { ...record, inDoubt }, cancel: false };
    }
    case 'voiding':
      // Its worker died while voiding.
      return stale ? voiding(record) : undefined;
    case 'failed':
      return record.inDoubt && !record.unvoidable && stale ? voiding(record) : undefined;
    case 'voided':
    case 'rejected':
      return undefined;
  }
}

function failureOf(record: OrderRecord): SpiFailure {
  const failure = record.failure ?? { code: SpiErrorCode.PosError, description: 'it failed' };
  return spiFailure(failure.code, failure.description);
}

function down(description: string): SpiFailure {
  return spiFailure(SpiErrorCode.EndpointDown, description);
}

function tooLate(budgetMs: number): SpiFailure {
  return down(
    budgetMs <= 0
      ? 'the order deadline passed before a worker could take it'
      : `only ${Math.round(budgetMs)} ms were left before the deadline: too little to reach the POS`,
  );
}
