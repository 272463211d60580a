import { Injectable, Logger } from '@nestjs/common';
import type { Response } from 'express';
import { GatewayConfig } from '../config';
import { GatewayAnswer } from '../orders/answer-rules';
import { PresentedCredentials, Verdict, WebhookAuthPolicy, authenticate } from './webhook-auth';
import { WebhookRequest } from './webhook-request';

/** The one answer to a call that fails authentication, whatever failed. */
export const UNAUTHENTICATED = GatewayAnswer.unauthenticated();

/** How a call ends its authentication. */
export type AuthOutcome = 'passed' | 'unauthenticated';

/** What `begin` decided: the call passes, fails, or waits for its raw body (HMAC). */
export type AuthCheck =
  | { state: 'passed' }
  | { state: 'failed' }
  | { state: 'needs-body'; verify: (rawBody: Buffer) => AuthOutcome };

/**
 * Authenticates webhook calls against `WEBHOOK_AUTH`, before their body is validated and long
 * before anything reaches Kafka. A failure is logged once, with the brand (when the
 * configuration names it) and the modes; never with what was presented. A signed call whose
 * `webhook-id` came before is taken like any other: a sender's retry keeps its `webhook-id`, and
 * the worker's ledger answers a second delivery of an order with what it answered the first.
 */
@Injectable()
export class WebhookAuthenticator {
  readonly policy: WebhookAuthPolicy;
  private readonly logger = new Logger('webhook-auth');
  private readonly toleranceS: number;

  constructor(config: GatewayConfig) {
    this.policy = config.webhook.auth;
    this.toleranceS = config.webhook.hmacToleranceS;
  }

  begin(req: WebhookRequest): AuthCheck {
    if (!this.policy.enforced) return { state: 'passed' };
    const brand = paramOf(req, 'brand');
    const credentials = this.policy.credentialsFor(brand);
    const presented = presentedBy(req);
    // Brands that `*` covers are logged as `*`: the URL's brand is whatever a caller wrote.
    const listed = this.policy.lists(brand) ? brand : '*';
    const { toleranceS } = this;
    const result = authenticate(credentials, presented, { nowMs: Date.now(), toleranceS });
    const settle = (verdict: Verdict): boolean => {
      if (!verdict.ok) {
        this.logger.warn({
          event: 'webhook.unauthenticated',
          brand: listed,
          modes: [...new Set(credentials.map((c) => c.mode))].join('+') || 'none',
          reason: verdict.reason,
        });
      }
      return verdict.ok;
    };
    if (typeof result !== 'function') return { state: settle(result) ? 'passed' : 'failed' };
    return {
      state: 'needs-body',
      verify: (rawBody) => (settle(result(rawBody, Date.now())) ? 'passed' : 'unauthenticated'),
    };
  }

  /**
   * 401 with the SPI error body; a brand that accepts Basic credentials gets the challenge. A
   * call refused before its body was read also gets its connection closed, so the caller need
   * not send the body, and this process does not read it only to throw it away.
   */
  reject(req: WebhookRequest, res: Response): void {
    const credentials = this.policy.credentialsFor(paramOf(req, 'brand'));
    if (credentials.some((credential) => credential.mode === 'basic')) {
      res.setHeader('WWW-Authenticate', 'Basic realm="wix-pos-gateway", charset="UTF-8"');
    }
    if (!req.complete) res.setHeader('Connection', 'close');
    res.status(401).json(UNAUTHENTICATED);
  }
}

function paramOf(req: WebhookRequest, name: string): string {
  const value = (req.params as Record<string, unknown> | undefined)?.[name];
  return typeof value === 'string' ? value : '';
}

function headerOf(req: WebhookRequest, name: string): string | undefined {
  const value = req.headers[name];
  return typeof value === 'string' ? value : undefined;
}

function presentedBy(req: WebhookRequest): PresentedCredentials {
  const tokens: string[] = [];
  const segment = paramOf(req, 'token');
  if (segment !== '') tokens.push(segment);
  const question = req.originalUrl.indexOf('?');
  if (question >= 0) {
    tokens.push(...new URLSearchParams(req.originalUrl.slice(question + 1)).getAll('token'));
  }
  return {
    tokens,
    authorization: headerOf(req, 'authorization'),
    webhookId: headerOf(req, 'webhook-id'),
    webhookTimestamp: headerOf(req, 'webhook-timestamp'),
    webhookSignature: headerOf(req, 'webhook-signature'),
  };
}
