import {
  SpiErrorCode,
  SpiFailure,
  SpiSuccess,
  spiFailure,
  spiSuccess,
} from '@wix-pos-gateway/contracts';
import { redactUrlText, safeDescription } from '@wix-pos-gateway/cards';

/** Longest error description the gateway passes on from a worker. */
const MAX_DESCRIPTION_CHARS = 4_000;

/**
 * An SPI failure whose description is bounded and has anything card-shaped masked: it may quote
 * a brand, a key or a field of the body, or a worker's words, and any of them may hold a PAN.
 */
function failure(code: SpiErrorCode, description: string): SpiFailure {
  return spiFailure(code, safeDescription(description, MAX_DESCRIPTION_CHARS));
}

/** A value quoted from the URL, decoded, masked, and cut to a length that names it. */
export function quotedFromUrl(text: string): string {
  const masked = redactUrlText(text);
  return masked.length > 64 ? `${masked.slice(0, 64)}…` : masked;
}

/**
 * Every SPI answer the gateway makes up itself, rather than passes on from a worker: the one
 * place where the gateway picks an SPI code. Descriptions quote no value of the body.
 */
export const GatewayAnswer = {
  accepted: (posOrderId: string): SpiSuccess => spiSuccess(posOrderId),

  noSuchBrand: (brand: string): SpiFailure =>
    failure(SpiErrorCode.EndpointDown, `there is no brand ${JSON.stringify(quotedFromUrl(brand))}`),

  /** `omitted`: elements that fail too, not described (each has a problem or more). */
  invalidOrder: (problems: readonly string[], listed: number, omitted = 0): SpiFailure => {
    const extra = Math.max(0, problems.length - listed) + omitted;
    const more = extra > 0 ? `; and ${omitted > 0 ? 'at least ' : ''}${extra} more` : '';
    const shown = problems.slice(0, listed).join('; ');
    return failure(SpiErrorCode.PosError, `invalid order request: ${shown}${more}`);
  },

  noWorker: (brand: string): SpiFailure =>
    failure(SpiErrorCode.EndpointDown, `no POS worker serves brand "${brand}"`),

  /** Decisions could not be recorded, so no order of the brand may be answered `value`. */
  noAnswersTopic: (brand: string): SpiFailure =>
    failure(
      SpiErrorCode.EndpointDown,
      `brand "${brand}" has no answers topic yet: its workers create it when they start`,
    ),

  brandOverloaded: (brand: string, inFlight: number): SpiFailure =>
    failure(
      SpiErrorCode.EndpointDown,
      `the POS of brand "${brand}" is overloaded (${inFlight} orders in flight)`,
    ),

  gatewayOverloaded: (): SpiFailure =>
    failure(SpiErrorCode.EndpointDown, 'the gateway is overloaded; try again shortly'),

  kafkaUnavailable: (): SpiFailure =>
    failure(SpiErrorCode.EndpointDown, 'the gateway is not connected to Kafka'),

  unreachable: (reason: string): SpiFailure =>
    failure(SpiErrorCode.EndpointDown, `cannot reach the POS: ${reason}`),

  timedOut: (brand: string, deadlineMs: number): SpiFailure =>
    failure(
      SpiErrorCode.EndpointDown,
      `the POS of brand "${brand}" did not answer within ${deadlineMs} ms`,
    ),

  notRecorded: (deadlineMs: number): SpiFailure =>
    failure(
      SpiErrorCode.EndpointDown,
      `the answer could not be recorded in time (within ${deadlineMs} ms)`,
    ),

  bodyTooSlow: (deadlineMs: number): SpiFailure =>
    failure(SpiErrorCode.EndpointDown, `the request body did not arrive within ${deadlineMs} ms`),

  headersTooSlow: (deadlineMs: number): SpiFailure =>
    failure(
      SpiErrorCode.EndpointDown,
      `the request headers did not arrive within ${deadlineMs} ms`,
    ),

  headersTooLarge: (): SpiFailure =>
    failure(SpiErrorCode.PosError, 'the request headers are larger than the server takes'),

  malformedHttp: (): SpiFailure => failure(SpiErrorCode.PosError, 'the request is not valid HTTP'),

  tunnelRequested: (): SpiFailure =>
    failure(SpiErrorCode.PosError, 'the gateway opens no tunnels: CONNECT is not served'),

  unmetExpectation: (): SpiFailure =>
    failure(SpiErrorCode.PosError, 'the request expects what the server does not do (Expect)'),

  noBody: (): SpiFailure =>
    failure(SpiErrorCode.PosError, 'the request has no body: a JSON object is expected'),

  notSpiReply: (): SpiFailure =>
    failure(SpiErrorCode.PosError, 'the POS worker answered with no SPI response'),

  cardsNotTaken: (): SpiFailure =>
    failure(SpiErrorCode.PosError, 'this gateway does not take card data (CARD_PAYMENTS is off)'),

  /** An id is passed on as sent, and one with a card number (or a named code) may not be. */
  cardInId: (): SpiFailure =>
    failure(
      SpiErrorCode.PosError,
      'an id in the order holds a card number or a security code: ids are passed on as sent, so the order is refused',
    ),

  cardInTime: (path: string): SpiFailure =>
    failure(
      SpiErrorCode.PosError,
      `invalid order request: ${path} reads as a card number, and no card number is passed on`,
    ),

  messageTooLarge: (maxBytes: number): SpiFailure =>
    failure(
      SpiErrorCode.PosError,
      `the order, with its card data masked, is larger than the limit of ${maxBytes} bytes`,
    ),

  cardsRefused: (problems: readonly string[]): SpiFailure =>
    failure(SpiErrorCode.CcRejected, `card payment refused: ${problems.join('; ')}`),

  gatewayFailed: (reason: string): SpiFailure =>
    failure(SpiErrorCode.PosError, `the gateway failed: ${reason}`),

  /** Not SPI calls at all, answered in the SPI's shape all the same (HTTP 4xx and 500). */
  unauthenticated: (): SpiFailure =>
    failure(SpiErrorCode.PosError, 'the webhook call is not authenticated'),

  /**
   * A worker's failure, as Wix hears it: bounded, and with anything card-shaped masked, whatever
   * the integration put in it.
   */
  fromWorker: ({ error }: SpiFailure): SpiFailure => failure(error.code, error.description),

  bodyRejected: (description: string): SpiFailure => failure(SpiErrorCode.PosError, description),

  httpError: (message: string): SpiFailure => failure(SpiErrorCode.PosError, message),

  /** Not masked: the id is the gateway's own, and masking a digit run of it would hide it. */
  internalError: (errorId: string): SpiFailure =>
    spiFailure(SpiErrorCode.PosError, `internal error, id ${errorId}`),
};
