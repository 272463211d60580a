import { PosUnavailableError } from '@wix-pos-gateway/pos-sdk';
import type { HttpPosConfig } from './http-config';

/** One request to the POS API. */
export interface PosRequest {
  method: 'GET' | 'POST' | 'DELETE';
  path: string;
  idempotencyKey?: string;
  body?: unknown;
  signal: AbortSignal;
}

/** The POS's answer, its body read to the end: JSON when it parses, else `undefined`. */
export interface PosAnswer {
  status: number;
  body: unknown;
}

/**
 * Calls the POS and reads the whole answer, so the socket goes back to the pool. Gives up at
 * `POS_HTTP_TIMEOUT_MS` or when the caller's signal aborts; both, and a POS that cannot be
 * reached, throw `PosUnavailableError`, with `orderMayExist` unless the request never left.
 */
export async function callPos(config: HttpPosConfig, request: PosRequest): Promise<PosAnswer> {
  if (request.signal.aborted) {
    throw new PosUnavailableError('the POS call was abandoned at the deadline before it started');
  }
  const timeout = AbortSignal.timeout(config.POS_HTTP_TIMEOUT_MS);
  try {
    const response = await fetch(`${config.POS_HTTP_URL}${request.path}`, {
      method: request.method,
      headers: headersOf(config, request),
      body: request.body === undefined ? undefined : JSON.stringify(request.body),
      redirect: 'manual',
      signal: AbortSignal.any([request.signal, timeout]),
    });
    return { status: response.status, body: parseJson(await response.text()) };
  } catch (error) {
    throw failureOf(error, request.signal, timeout, config.POS_HTTP_TIMEOUT_MS);
  }
}

/** Once the request may have reached the POS, the order may exist: `orderMayExist`. */
function failureOf(
  error: unknown,
  deadline: AbortSignal,
  timeout: AbortSignal,
  timeoutMs: number,
): unknown {
  if (deadline.aborted) {
    return new PosUnavailableError('the POS call was abandoned at the deadline', {
      orderMayExist: true,
    });
  }
  if (timeout.aborted) {
    return new PosUnavailableError(`the POS did not answer within ${timeoutMs}ms`, {
      orderMayExist: true,
    });
  }
  if (!(error instanceof TypeError)) return error;
  const code = networkCode(error);
  return new PosUnavailableError(`the POS is unreachable: ${code}`, {
    cause: error,
    orderMayExist: !NOT_CONNECTED.has(code),
  });
}

function headersOf(config: HttpPosConfig, request: PosRequest): Record<string, string> {
  const headers: Record<string, string> = { accept: 'application/json' };
  if (request.body !== undefined) headers['content-type'] = 'application/json';
  if (request.idempotencyKey !== undefined) headers['idempotency-key'] = request.idempotencyKey;
  if (config.POS_HTTP_TOKEN) headers.authorization = `Bearer ${config.POS_HTTP_TOKEN}`;
  return headers;
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return undefined;
  }
}

/** Codes of a request that never left: the POS cannot have the order. */
const NOT_CONNECTED = new Set([
  'ECONNREFUSED',
  'ENOTFOUND',
  'EAI_AGAIN',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'EADDRNOTAVAIL',
  'UND_ERR_CONNECT_TIMEOUT',
]);

/** `ECONNREFUSED`, `ENOTFOUND`, `UND_ERR_SOCKET`…, from the error undici wraps in its `TypeError`. */
function networkCode(error: TypeError): string {
  const cause = error.cause as { code?: unknown; errors?: { code?: unknown }[] } | undefined;
  const code = cause?.code ?? cause?.errors?.[0]?.code;
  return typeof code === 'string' ? code : 'network error';
}
