import {
  SpiErrorCode,
  SpiFailure,
  SpiResponse,
  isSpiResponse,
  spiFailure,
  spiSuccess,
} from '@app/contracts';

/**
 * What a gateway does with a worker's reply and with its own deadline: a `value` reply is only
 * a candidate until its decision is recorded on the answers topic (docs/order-protocol.md,
 * "Confirm before answer"). Pure: the caller owns the clock, Kafka and the HTTP response.
 */
export type ReplyStep =
  /** Answer Wix with `response` now. */
  | { kind: 'answer'; response: SpiResponse }
  /** Write `decided` with `posOrderId` to the answers topic, then call `onDecision`. */
  | { kind: 'decide'; posOrderId: string };

/** The first reply heard for a delivery. */
export function onReply(reply: unknown): ReplyStep {
  if (!isSpiResponse(reply)) {
    return {
      kind: 'answer',
      response: spiFailure(SpiErrorCode.PosError, 'the POS worker answered with no SPI response'),
    };
  }
  if ('value' in reply) return { kind: 'decide', posOrderId: reply.value.orderId };
  return { kind: 'answer', response: reply };
}

/**
 * The broker's verdict on a `decided` write. Anything but an acknowledgement before the
 * deadline may still have been appended: Wix hears `endpoint_down`, and the decision is
 * withdrawn so the reconciler can void the order.
 */
export function onDecision(
  acknowledged: boolean,
  beforeDeadline: boolean,
  posOrderId: string,
  deadlineMs: number,
): { response: SpiResponse; withdraw: boolean } {
  if (acknowledged && beforeDeadline) return { response: spiSuccess(posOrderId), withdraw: false };
  const description = `the POS took the order, but its answer could not be recorded within ${deadlineMs} ms`;
  return { response: spiFailure(SpiErrorCode.EndpointDown, description), withdraw: true };
}

/** No reply came before the deadline. */
export function onTimeout(brand: string, deadlineMs: number): SpiFailure {
  return spiFailure(
    SpiErrorCode.EndpointDown,
    `the POS of brand "${brand}" did not answer within ${deadlineMs} ms`,
  );
}
