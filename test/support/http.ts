export interface Answer {
  status: number;
  body: {
    value?: { orderId: string };
    error?: { code: string; description: string };
  };
  ms: number;
}

/** POSTs to the webhook; `body` is JSON-encoded unless it is already a string or a Buffer. */
export async function postOrder(
  gatewayUrl: string,
  brand: string,
  body: unknown,
  headers: Record<string, string> = { 'content-type': 'application/json' },
): Promise<Answer> {
  const started = performance.now();
  const res = await fetch(`${gatewayUrl}/webhooks/wix/${brand}`, {
    method: 'POST',
    headers,
    body: typeof body === 'string' || Buffer.isBuffer(body) ? body : JSON.stringify(body),
  });
  const text = await res.text();
  const ms = performance.now() - started;
  return { status: res.status, body: JSON.parse(text) as Answer['body'], ms };
}

export function percentile(values: number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)] ?? NaN;
}
