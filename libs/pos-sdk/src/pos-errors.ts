/**
 * The failures a POS integration reports. The worker turns them into SPI codes in one place
 * and, from `retryable`, decides whether a later delivery of the same Wix order may call the
 * integration again. It reads `kind` and `retryable` rather than the class, so an integration
 * built against another copy of this SDK is understood the same way.
 */
export type PosFailureKind = 'unknown_items' | 'card_declined' | 'pos_unavailable' | 'pos_error';

export interface FailureOptions {
  cause?: unknown;
  /**
   * The POS may have taken the order even so (a timeout after the request was sent): the
   * worker voids it through `cancelOrder`, when the integration has one.
   */
  orderMayExist?: boolean;
}

export abstract class PosFailure extends Error {
  abstract readonly kind: PosFailureKind;
  abstract readonly retryable: boolean;
  readonly orderMayExist: boolean;

  constructor(message: string, options: FailureOptions = {}) {
    super(message, { cause: options.cause });
    this.name = new.target.name;
    this.orderMayExist = options.orderMayExist ?? false;
  }
}

/** The POS does not know some items: answered `invalid_item_mapping`. */
export class UnknownItemsError extends PosFailure {
  readonly kind = 'unknown_items';
  readonly retryable = false;

  constructor(
    readonly posItemIds: readonly string[],
    message = `the POS does not know ${posItemIds.join(', ')}`,
  ) {
    super(message);
  }
}

/** A card payment the POS clears was declined: answered `cc_rejected`. */
export class CardDeclinedError extends PosFailure {
  readonly kind = 'card_declined';
  readonly retryable = false;
}

/**
 * The POS could not be reached or did not answer: answered `endpoint_down`. Retryable: the next
 * delivery of the order calls again, with the same idempotency key.
 */
export class PosUnavailableError extends PosFailure {
  readonly kind = 'pos_unavailable';
  readonly retryable = true;
}

/** The POS refused the order for another reason: answered `pos_error`. */
export class PosError extends PosFailure {
  readonly kind = 'pos_error';
  readonly retryable: boolean;

  constructor(message: string, options: FailureOptions & { retryable?: boolean } = {}) {
    super(message, options);
    this.retryable = options.retryable ?? false;
  }
}

const KINDS = new Set<string>(['unknown_items', 'card_declined', 'pos_unavailable', 'pos_error']);

export function isPosFailure(error: unknown): error is PosFailure {
  if (!(error instanceof Error)) return false;
  const { kind, retryable } = error as Partial<PosFailure>;
  return typeof kind === 'string' && KINDS.has(kind) && typeof retryable === 'boolean';
}
