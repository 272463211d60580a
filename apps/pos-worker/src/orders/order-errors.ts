import { safeDescription } from '@wix-pos-gateway/cards';
import { SpiErrorCode, SpiFailure, spiFailure } from '@wix-pos-gateway/contracts';
import { PosFailureKind, isPosFailure } from '@wix-pos-gateway/pos-sdk';
import { isDatabaseStalled, isDatabaseUnreachable } from '@wix-pos-gateway/database';

/** A failure the worker understands; `code` is what Wix is told. */
export abstract class OrderRejected extends Error {
  abstract readonly code: SpiErrorCode;
}

export class InvalidOrder extends OrderRejected {
  readonly code = SpiErrorCode.PosError;
}

export class UnknownItems extends OrderRejected {
  readonly code = SpiErrorCode.InvalidItemMapping;
}

export class PosUnavailable extends OrderRejected {
  readonly code = SpiErrorCode.EndpointDown;
}

const POS_FAILURE_CODES: Readonly<Record<PosFailureKind, SpiErrorCode>> = {
  unknown_items: SpiErrorCode.InvalidItemMapping,
  card_declined: SpiErrorCode.CcRejected,
  pos_unavailable: SpiErrorCode.EndpointDown,
  pos_error: SpiErrorCode.PosError,
};

/**
 * Longest description a failure carries to the ledger, Kafka and Wix: a few kilobytes say what
 * went wrong, and an integration may hand over a whole POS answer.
 */
export const MAX_DESCRIPTION_CHARS = 4_000;

/**
 * The one place where failures, the worker's own and the integration's, become SPI codes. The
 * description is redacted and bounded here, since every stored, sent or answered failure
 * passes through: an integration's message may quote a POS answer, card data included.
 */
export function toSpiFailure(error: unknown): SpiFailure {
  const failure = classify(error);
  failure.error.description = safeDescription(failure.error.description, MAX_DESCRIPTION_CHARS);
  return failure;
}

function classify(error: unknown): SpiFailure {
  if (error instanceof OrderRejected) return spiFailure(error.code, error.message);
  if (isPosFailure(error)) return spiFailure(POS_FAILURE_CODES[error.kind], error.message);
  const message = error instanceof Error ? error.message : String(error);
  // The ledger's database down, or stalled past its statements' limits: not the order's fault.
  if (isDatabaseUnreachable(error) || isDatabaseStalled(error)) {
    return spiFailure(SpiErrorCode.EndpointDown, `the POS store is unavailable: ${message}`);
  }
  return spiFailure(SpiErrorCode.PosError, `the POS worker failed: ${message}`);
}

/**
 * Whether a later delivery of the same order may call the integration again. An integration's
 * unexpected exception counts as retryable: the idempotency key keeps a second call safe.
 */
export function isRetryable(error: unknown): boolean {
  if (isPosFailure(error)) return error.retryable;
  return !(error instanceof OrderRejected) || error.code === SpiErrorCode.EndpointDown;
}
