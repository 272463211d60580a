import { SpiResponse, isSpiResponse } from '@wix-pos-gateway/contracts';
import { GatewayAnswer } from './gateway-answers';

export * from './gateway-answers';

/**
 * The gateway's answers as a small machine (docs/order-protocol.md): a worker's reply becomes
 * an answer or a decision to record, a recorded (or unrecorded) decision becomes an answer.
 * Pure, so the protocol's simulation drives these same functions.
 */
export type ReplyRule =
  { kind: 'answer'; response: SpiResponse } | { kind: 'decide'; posOrderId: string };

export interface DecisionRule {
  response: SpiResponse;
  /** The decision may have been recorded, yet Wix does not hear `value`: write `withdrawn`. */
  withdraw: boolean;
}

/** A `value` is answered only once it is recorded; any other reply is answered as it is. */
export function onReply(reply: unknown): ReplyRule {
  if (!isSpiResponse(reply)) return { kind: 'answer', response: GatewayAnswer.notSpiReply() };
  if ('value' in reply) return { kind: 'decide', posOrderId: reply.value.orderId };
  return { kind: 'answer', response: GatewayAnswer.fromWorker(reply) };
}

/**
 * `acknowledged`: the broker acknowledged the `decided` record (acks=all); `beforeDeadline`:
 * and that was known before the call's deadline, on the gateway's monotonic clock.
 */
export function onDecision(
  acknowledged: boolean,
  beforeDeadline: boolean,
  posOrderId: string,
  deadlineMs: number,
): DecisionRule {
  if (acknowledged && beforeDeadline) {
    return { response: GatewayAnswer.accepted(posOrderId), withdraw: false };
  }
  return { response: GatewayAnswer.notRecorded(deadlineMs), withdraw: true };
}

/** No reply before the deadline: nothing was decided for this delivery. */
export function onTimeout(brand: string, deadlineMs: number): SpiResponse {
  return GatewayAnswer.timedOut(brand, deadlineMs);
}
