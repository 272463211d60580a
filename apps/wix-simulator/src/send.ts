export interface SendResult {
  /** HTTP status; 0 when no answer came. */
  status: number;
  body: unknown;
  ms: number;
  /** `accepted`, an SPI error code, `http_<status>`, `bad_response`, `timeout` or `unreachable`. */
  outcome: string;
}

const SPI_ERROR_CODES = new Set([
  'endpoint_down',
  'invalid_item_mapping',
  'cc_rejected',
  'pos_error',
]);

/** POSTs one SPI body as Wix does and classifies the answer; never throws. */
export async function sendOrder(
  url: string,
  body: unknown,
  timeoutMs = 10_000,
): Promise<SendResult> {
  const payload = JSON.stringify(body);
  const started = performance.now();
  const elapsed = () => Math.round(performance.now() - started);
  try {
    const response = await fetch(url, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: payload,
      signal: AbortSignal.timeout(timeoutMs),
    });
    const answer = parseJson(await response.text());
    return {
      status: response.status,
      body: answer,
      ms: elapsed(),
      outcome: outcomeOf(response.status, answer),
    };
  } catch (error) {
    const timedOut = error instanceof Error && error.name === 'TimeoutError';
    return {
      status: 0,
      body: undefined,
      ms: elapsed(),
      outcome: timedOut ? 'timeout' : 'unreachable',
    };
  }
}

/** Every SPI answer is HTTP 200; the outcome is in the body. */
export function outcomeOf(status: number, body: unknown): string {
  if (status !== 200) return `http_${status}`;
  const { orderId, code } = spiFields(body);
  if (orderId !== undefined) return 'accepted';
  return code !== undefined && SPI_ERROR_CODES.has(code) ? code : 'bad_response';
}

/** The POS order id of an accepted order, else the error's description. */
export function answerDetail(body: unknown): string {
  const { orderId, description } = spiFields(body);
  if (orderId !== undefined) return orderId;
  if (description !== undefined) return description;
  return body === undefined ? '' : JSON.stringify(body).slice(0, 200);
}

export function posOrderIdOf(body: unknown): string | undefined {
  return spiFields(body).orderId;
}

function spiFields(body: unknown): { orderId?: string; code?: string; description?: string } {
  const { value, error } = (isObject(body) ? body : {}) as { value?: unknown; error?: unknown };
  if (isObject(value) && typeof value.orderId === 'string') return { orderId: value.orderId };
  if (!isObject(error)) return {};
  return {
    code: typeof error.code === 'string' ? error.code : undefined,
    description: typeof error.description === 'string' ? error.description : undefined,
  };
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}
