import {
  CardDeclinedError,
  PosError,
  PosUnavailableError,
  UnknownItemsError,
  type SubmittedOrder,
} from '@wix-pos-gateway/pos-sdk';
import type { PosAnswer } from './http-call';

const UNAVAILABLE = new Set([408, 429, 502, 503, 504]);
const MAX_DETAIL = 200;
/** Card-number-like digit runs, blanked in case a POS echoes a card in its message. */
const CARD_NUMBER = /\d(?:[ -]?\d){11,}/g;

/** What `POST /orders` answered, per the table in `http-integration.ts`. */
export function submittedOrder({ status, body }: PosAnswer): SubmittedOrder {
  if ((status >= 200 && status < 300) || status === 409) {
    const orderId = field(body, 'orderId');
    if (typeof orderId === 'string' && orderId.length > 0) return { posOrderId: orderId };
    throw new PosError(`the POS accepted the order but sent no orderId (HTTP ${status})`);
  }
  const items = status === 422 ? unknownItems(body) : undefined;
  if (items) throw new UnknownItemsError(items);
  if (status === 402) {
    throw new CardDeclinedError(detailOf(body, 'message') ?? 'the POS declined the card');
  }
  // A 5xx says nothing of what happened to the order: the POS may have failed after taking it,
  // or a proxy in front of it may have lost the answer. It may exist, so the worker voids it.
  const orderMayExist = status >= 500;
  if (UNAVAILABLE.has(status)) {
    throw new PosUnavailableError(`the POS is unavailable: ${describe(status, body)}`, {
      orderMayExist,
    });
  }
  if (status >= 500) {
    throw new PosError(`the POS failed: ${describe(status, body)}`, {
      retryable: true,
      orderMayExist,
    });
  }
  throw new PosError(`the POS refused the order: ${describe(status, body)}`);
}

function unknownItems(body: unknown): string[] | undefined {
  const items = field(body, 'unknownItems');
  const valid =
    Array.isArray(items) &&
    items.length > 0 &&
    items.every((item) => typeof item === 'string' && item.length > 0);
  return valid ? (items as string[]) : undefined;
}

/** `HTTP 500: kitchen printer jammed`: the status and the POS's own short explanation. */
export function describe(status: number, body: unknown): string {
  const detail = detailOf(body, 'message') ?? detailOf(body, 'error');
  return detail ? `HTTP ${status}: ${detail}` : `HTTP ${status}`;
}

/** A short string field of the answer; longer ones are left out rather than cut. */
function detailOf(body: unknown, name: string): string | undefined {
  const value = field(body, name);
  if (typeof value !== 'string') return undefined;
  const text = value.replace(/\s+/g, ' ').trim().replace(CARD_NUMBER, '[redacted]');
  return text.length > 0 && text.length <= MAX_DETAIL ? text : undefined;
}

function field(body: unknown, name: string): unknown {
  return typeof body === 'object' && body !== null && !Array.isArray(body)
    ? (body as Record<string, unknown>)[name]
    : undefined;
}
