import { request } from 'node:https';
import type { SecureVersion } from 'node:tls';
import type { Answer } from './http';

export interface TlsClientOptions {
  /** The certificates to trust: the test's self-signed certificate. */
  ca: Buffer | string;
  minVersion?: SecureVersion;
  maxVersion?: SecureVersion;
  ciphers?: string;
}

export interface Reply {
  status: number;
  text: string;
}

/** One HTTPS request trusting only `tls.ca`; the connection is not kept alive. */
export function httpsRequest(
  url: string,
  tls: TlsClientOptions,
  init: { method?: string; headers?: Record<string, string>; body?: string | Buffer } = {},
): Promise<Reply> {
  return new Promise((resolve, reject) => {
    const req = request(
      url,
      { method: init.method ?? 'GET', headers: init.headers, agent: false, ...tls },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (chunk: Buffer) => chunks.push(chunk));
        res.on('end', () =>
          resolve({ status: res.statusCode ?? 0, text: Buffer.concat(chunks).toString() }),
        );
        res.on('error', reject);
      },
    );
    req.setTimeout(15_000, () => req.destroy(new Error(`no answer from ${url}`)));
    req.on('error', reject);
    req.end(init.body);
  });
}

/** `postOrder` over HTTPS. */
export async function postOrderTls(
  gatewayUrl: string,
  brand: string,
  body: unknown,
  tls: TlsClientOptions,
  headers: Record<string, string> = { 'content-type': 'application/json' },
): Promise<Answer> {
  const started = performance.now();
  const reply = await httpsRequest(`${gatewayUrl}/webhooks/wix/${brand}`, tls, {
    method: 'POST',
    headers,
    body: typeof body === 'string' || Buffer.isBuffer(body) ? body : JSON.stringify(body),
  });
  const ms = performance.now() - started;
  return { status: reply.status, body: JSON.parse(reply.text) as Answer['body'], ms };
}
