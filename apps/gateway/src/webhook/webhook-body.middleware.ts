import { isUtf8 } from 'node:buffer';
import { Injectable, NestMiddleware } from '@nestjs/common';
import {
  MAX_JSON_VALUES,
  findUnsafeJson,
  findUnstorableText,
  holdsMoreJsonValues,
  mayHoldUnstorableText,
} from '@wix-pos-gateway/contracts';
import express, { NextFunction, RequestHandler, Response } from 'express';
import { GatewayConfig } from '../config';
import { GatewayAnswer } from '../orders/answer-rules';
import { AuthOutcome, WebhookAuthenticator } from './webhook-authenticator';
import { WebhookRequest } from './webhook-request';

/** Thrown from the parser's `verify` when the raw body's signature fails. */
const NOT_AUTHENTICATED = 'webhook.unauthenticated';

/**
 * Authenticates the call (`WEBHOOK_AUTH`) and reads the webhook body so that every failure still
 * answers in the SPI shape: not authenticated (401: token, basic, bearer and the Standard
 * Webhooks headers and timestamp before the body is read, an HMAC signature as soon as the raw
 * body is in, before it is parsed), a non-JSON content type (415), a body over `MAX_BODY_BYTES`
 * or with more JSON values than any real body (413), malformed JSON (400), and JSON that is
 * nested too deep, carries `__proto__` keys, or a NUL or an unpaired surrogate (400); a body
 * still coming in at the deadline gets 408. Parser messages are never echoed: they quote the
 * body, and the body may hold card data.
 */
@Injectable()
export class WebhookBodyMiddleware implements NestMiddleware {
  private readonly parse: RequestHandler;
  /** The signature check of each request whose authentication waits for its raw body. */
  private readonly signed = new WeakMap<object, (rawBody: Buffer) => AuthOutcome>();

  private readonly maxBodyBytes: number;
  private readonly deadlineMs: number;

  constructor(
    config: GatewayConfig,
    private readonly auth: WebhookAuthenticator,
  ) {
    this.maxBodyBytes = config.webhook.maxBodyBytes;
    this.deadlineMs = config.orders.deadlineMs;
    // Raw bytes, parsed below: body-parser's JSON reader decodes through iconv-lite chunk by
    // chunk, which costs more than the parse itself on a large menu.
    this.parse = express.raw({
      limit: config.webhook.maxBodyBytes,
      type: () => true,
      verify: (req, _res, buffer) => {
        (req as WebhookRequest).rawBody = buffer;
        const verify = this.signed.get(req);
        this.signed.delete(req);
        const outcome = verify?.(buffer) ?? 'passed';
        if (outcome !== 'passed') {
          throw Object.assign(new Error('not authenticated'), { type: NOT_AUTHENTICATED });
        }
      },
    });
  }

  /**
   * For a call answered before its body is read: the body is read and dropped, so that a caller
   * still sending it reads the answer rather than a reset connection, but no longer than an
   * order's deadline; then the connection is closed.
   */
  private drainBriefly(req: WebhookRequest): void {
    const timer = setTimeout(() => {
      if (!req.complete) req.destroy();
    }, this.deadlineMs);
    req.once('close', () => clearTimeout(timer));
  }

  use(req: WebhookRequest, res: Response, next: NextFunction): void {
    req.arrivedAt = performance.now();
    req.receivedAt = Date.now();
    const check = this.auth.begin(req);
    if (check.state === 'failed') {
      this.auth.reject(req, res);
      return;
    }
    if (check.state === 'needs-body') this.signed.set(req, check.verify);
    // Neither a length nor chunks: no body at all (`req.is` would say it is not JSON).
    if (req.headers['content-length'] === undefined && !req.headers['transfer-encoding']) {
      res.status(400).json(GatewayAnswer.noBody());
      return;
    }
    if (!req.is('application/json')) {
      this.drainBriefly(req);
      reject(res, 415, 'the body must be JSON sent with content-type application/json');
      return;
    }
    // body-parser would read all of a body it refuses as too large before answering.
    if (Number(req.headers['content-length']) > this.maxBodyBytes) {
      this.drainBriefly(req);
      reject(res, 413, `the body is larger than the limit of ${this.maxBodyBytes} bytes`);
      return;
    }
    // A body still coming in at the order's deadline would hold the call past it.
    const slow = setTimeout(() => {
      // Abandoned: a body that still comes in is not verified.
      this.signed.delete(req);
      if (res.headersSent) return;
      unread(res);
      res.status(408).json(GatewayAnswer.bodyTooSlow(this.deadlineMs));
    }, this.deadlineMs);
    this.parse(req, res, (error?: unknown) => {
      clearTimeout(slow);
      if (res.headersSent) return;
      const refused = error as { type?: unknown } | undefined;
      if (refused?.type === NOT_AUTHENTICATED) {
        this.auth.reject(req, res);
        return;
      }
      if (!error) {
        // The parser skips a request without a body, and `verify` with it: check it here.
        const unverified = this.signed.get(req);
        this.signed.delete(req);
        const outcome = unverified?.(req.rawBody ?? Buffer.alloc(0)) ?? 'passed';
        if (outcome !== 'passed') {
          this.auth.reject(req, res);
          return;
        }
      }
      const failure = error ?? parseJson(req);
      if (failure) {
        const [status, description] = describeParseError(failure);
        reject(res, status, description);
        return;
      }
      const unsafe =
        findUnsafeJson(req.body) ??
        (req.rawBody && mayHoldUnstorableText(req.rawBody)
          ? findUnstorableText(req.body)
          : undefined);
      if (unsafe) {
        reject(res, 400, `the body is not acceptable: ${unsafe}`);
        return;
      }
      next();
    });
  }
}

/**
 * Replaces the raw body by its JSON, which must be an object: UTF-8 only (a BOM is dropped).
 * A missing or empty body, or JSON of another kind, fails as malformed JSON would.
 */
function parseJson(req: WebhookRequest): { type: string } | undefined {
  if (!Buffer.isBuffer(req.body)) return { type: 'entity.parse.failed' };
  const charset = /;\s*charset\s*=\s*"?([^";\s]+)/i.exec(req.headers['content-type'] ?? '')?.[1];
  if (charset && !/^utf-?8$/i.test(charset)) return { type: 'charset.unsupported' };
  // Decoding would turn bytes that are not UTF-8 into U+FFFD and store a changed order.
  if (!isUtf8(req.body)) return { type: 'entity.not.utf8' };
  // Parsing millions of values would hold every other call for seconds: counted first.
  if (holdsMoreJsonValues(req.body)) return { type: 'entity.too.many.values' };
  const text = req.body.toString('utf8').replace(/^\uFEFF/, '');
  if (!/^\s*\{/.test(text)) return { type: 'entity.parse.failed' };
  try {
    req.body = JSON.parse(text) as unknown;
    return undefined;
  } catch {
    return { type: 'entity.parse.failed' };
  }
}

function describeParseError(error: unknown): [number, string] {
  const { type, limit } = error as { type?: string; limit?: number };
  switch (type) {
    case 'entity.too.large':
      return [413, `the body is larger than the limit of ${limit} bytes`];
    case 'entity.parse.failed':
      return [400, 'the body is not valid JSON (a JSON object is expected)'];
    case 'entity.too.many.values':
      return [413, `the body holds more than ${MAX_JSON_VALUES} JSON values`];
    case 'entity.not.utf8':
      return [400, 'the body is not valid UTF-8'];
    case 'encoding.unsupported':
      return [415, 'the content-encoding is not one the gateway reads (gzip, deflate and br are)'];
    case 'charset.unsupported':
      return [415, 'the body must be UTF-8 JSON'];
    default:
      return [400, 'the body could not be read'];
  }
}

/** An answer that gives up on a body still coming closes the connection rather than wait. */
function unread(res: Response): void {
  if (!res.req.complete) res.setHeader('Connection', 'close');
}

function reject(res: Response, status: number, description: string): void {
  res.status(status).json(GatewayAnswer.bodyRejected(description));
}
