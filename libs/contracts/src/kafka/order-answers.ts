/**
 * What gateways record on a brand's answers topic about the answers they give Wix: the
 * protocol's decision log (docs/order-protocol.md). Keyed by Wix order id, so the records of
 * one order stay in one partition, in the order they were written.
 *
 * - `decided`: the gateway is about to answer this delivery `value` with `posOrderId`. Written
 *   with acks=all before the HTTP response; if it cannot be written in time, Wix hears
 *   `endpoint_down` instead, and the gateway writes `withdrawn`.
 * - `written`: the `value` response of a `decided` delivery was written to Wix's connection.
 * - `withdrawn`: a `decided` record whose acknowledgement came too late: Wix heard
 *   `endpoint_down` for that delivery.
 */
export type OrderAnswerKind = 'decided' | 'written' | 'withdrawn';

export interface OrderAnswer {
  kind: OrderAnswerKind;
  wixOrderId: string;
  /** The delivery: one webhook call, as named in every log line. */
  correlationId: string;
  /** With `decided`: the POS order id the gateway is answering. */
  posOrderId?: string;
}

export function orderAnswersTopic(brand: string): string {
  return `pos.answers.${brand}.v1`;
}

/** The consumer group in which a brand's workers read its answers topic into the ledger. */
export function answersGroupId(brand: string): string {
  return `pos-worker.${brand}.answers.v1`;
}

const KINDS = new Set<string>(['decided', 'written', 'withdrawn']);

export function encodeOrderAnswer(answer: OrderAnswer): { key: string; value: string } {
  return { key: answer.wixOrderId, value: JSON.stringify(answer) };
}

/** `undefined` for anything that is not an answer record (it is skipped, never trusted). */
export function decodeOrderAnswer(value: Buffer | string | null): OrderAnswer | undefined {
  if (value === null) return undefined;
  let parsed: unknown;
  try {
    parsed = JSON.parse(value.toString());
  } catch {
    return undefined;
  }
  const a = parsed as Partial<OrderAnswer> | null;
  if (typeof a !== 'object' || a === null || !KINDS.has(String(a.kind))) return undefined;
  if (typeof a.wixOrderId !== 'string' || typeof a.correlationId !== 'string') return undefined;
  if (a.kind === 'decided' && typeof a.posOrderId !== 'string') return undefined;
  return {
    kind: a.kind!,
    wixOrderId: a.wixOrderId,
    correlationId: a.correlationId,
    posOrderId: a.posOrderId,
  };
}
