/** The four error codes of the Wix Restaurants POS SPI; no other code may reach Wix. */
export const SpiErrorCode = {
  EndpointDown: 'endpoint_down',
  InvalidItemMapping: 'invalid_item_mapping',
  CcRejected: 'cc_rejected',
  PosError: 'pos_error',
} as const;

export type SpiErrorCode = (typeof SpiErrorCode)[keyof typeof SpiErrorCode];

export interface SpiSuccess {
  value: { orderId: string };
}

export interface SpiFailure {
  error: { code: SpiErrorCode; description: string };
}

/** What the webhook answers, and what a worker replies over Kafka: the same shape end to end. */
export type SpiResponse = SpiSuccess | SpiFailure;

export function spiSuccess(orderId: string): SpiSuccess {
  return { value: { orderId } };
}

export function spiFailure(code: SpiErrorCode, description: string): SpiFailure {
  return { error: { code, description } };
}

const codes = new Set<string>(Object.values(SpiErrorCode));

export function isSpiResponse(value: unknown): value is SpiResponse {
  if (typeof value !== 'object' || value === null) return false;
  const { value: success, error } = value as Partial<Record<'value' | 'error', unknown>>;
  if (typeof success === 'object' && success !== null) {
    return typeof (success as { orderId?: unknown }).orderId === 'string';
  }
  if (typeof error === 'object' && error !== null) {
    const { code, description } = error as { code?: unknown; description?: unknown };
    return typeof code === 'string' && codes.has(code) && typeof description === 'string';
  }
  return false;
}
