import { isBrand } from '@wix-pos-gateway/contracts';
import { createHash, createHmac, timingSafeEqual } from 'node:crypto';
import { inspect } from 'node:util';

/**
 * How a brand's webhook calls prove they come from Wix (or from a signing proxy in front of the
 * gateway). The SPI defines no signature, so the secret travels in the URL Wix is given, in
 * HTTP Basic credentials, in a bearer header, or — behind a proxy — as a Standard Webhooks
 * HMAC-SHA256 signature.
 */
export const WEBHOOK_AUTH_MODES = ['token', 'basic', 'bearer', 'hmac'] as const;
export type WebhookAuthMode = (typeof WEBHOOK_AUTH_MODES)[number];

/** What a caller presented. Read from the request for checking only: never logged or echoed. */
export interface PresentedCredentials {
  /** The last path segment (`/webhooks/wix/:brand/:token`) and every `?token=` value. */
  tokens: readonly string[];
  /** The `Authorization` header. */
  authorization?: string;
  /** The Standard Webhooks headers `webhook-id`, `webhook-timestamp`, `webhook-signature`. */
  webhookId?: string;
  webhookTimestamp?: string;
  webhookSignature?: string;
}

export type Verdict = { ok: true } | { ok: false; reason: string };

const PASS: Verdict = { ok: true };
type Refusal = Extract<Verdict, { ok: false }>;
const fail = (reason: string): Refusal => ({ ok: false, reason });

const TOKEN = /^[A-Za-z0-9_-]{16,256}$/;
const BEARER = /^[A-Za-z0-9._~+/-]{16,1024}=*$/;
const BASIC_USER = /^[^:\s]{1,128}$/;
const MIN_PASSWORD = 16;
const BASE64 = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;
const HMAC_PREFIX = 'whsec_';
const HMAC_KEY_BYTES = { min: 24, max: 64 };
const TIMESTAMP = /^\d{1,12}$/;
const MAX_WEBHOOK_ID = 256;

const sha256 = (data: string | Buffer): Buffer => createHash('sha256').update(data).digest();

/**
 * Constant-time equality of two secrets whatever their lengths: both are hashed first, so
 * `timingSafeEqual` always compares two 32-byte digests and the time says nothing about either.
 */
export function secretsEqual(a: string | Buffer, b: string | Buffer): boolean {
  return timingSafeEqual(sha256(a), sha256(b));
}

/** `Authorization: <scheme> <value>` with the scheme matched case-insensitively. */
function authorizationValue(header: string | undefined, scheme: string): string | undefined {
  const match = /^\s*(\S+)\s+(\S+)\s*$/.exec(header ?? '');
  return match && match[1].toLowerCase() === scheme ? match[2] : undefined;
}

function basicCredentials(header: string | undefined): string | undefined {
  const encoded = authorizationValue(header, 'basic');
  if (encoded === undefined || !BASE64.test(encoded)) return undefined;
  return Buffer.from(encoded, 'base64').toString('utf8');
}

/**
 * One accepted secret of one mode. Token, basic and bearer secrets are kept only as SHA-256
 * digests; an HMAC key is kept as it must be, in a private field that neither `inspect` nor
 * `JSON.stringify` shows.
 */
export class WebhookCredential {
  readonly #digest?: Buffer;
  readonly #key?: Buffer;

  private constructor(
    readonly mode: WebhookAuthMode,
    secret: { digest?: Buffer; key?: Buffer },
  ) {
    this.#digest = secret.digest;
    this.#key = secret.key;
  }

  /** The credential of `<mode>:<secret>`; errors describe the rule broken, never the secret. */
  static of(mode: WebhookAuthMode, secret: string): WebhookCredential {
    switch (mode) {
      case 'token':
        if (!TOKEN.test(secret)) {
          throw new Error(
            'a token must be 16 to 256 characters of A-Z a-z 0-9 _ - (it goes in a URL)',
          );
        }
        return new WebhookCredential(mode, { digest: sha256(secret) });
      case 'bearer':
        if (!BEARER.test(secret)) {
          throw new Error(
            'a bearer token must be 16 to 1024 characters of A-Z a-z 0-9 - . _ ~ + / (then = padding)',
          );
        }
        return new WebhookCredential(mode, { digest: sha256(secret) });
      case 'basic': {
        const colon = secret.indexOf(':');
        if (colon < 0 || !BASIC_USER.test(secret.slice(0, colon))) {
          throw new Error(
            'basic credentials must be <user>:<password>, the user without ":" or spaces',
          );
        }
        if (secret.length - colon - 1 < MIN_PASSWORD) {
          throw new Error(`a basic password must be at least ${MIN_PASSWORD} characters`);
        }
        return new WebhookCredential(mode, { digest: sha256(secret) });
      }
      case 'hmac': {
        const encoded = secret.startsWith(HMAC_PREFIX) ? secret.slice(HMAC_PREFIX.length) : '';
        if (!secret.startsWith(HMAC_PREFIX) || !BASE64.test(encoded)) {
          throw new Error('an hmac secret must be whsec_ followed by base64');
        }
        const key = Buffer.from(encoded, 'base64');
        if (key.length < HMAC_KEY_BYTES.min || key.length > HMAC_KEY_BYTES.max) {
          key.fill(0);
          throw new Error(
            `an hmac secret must decode to ${HMAC_KEY_BYTES.min} to ${HMAC_KEY_BYTES.max} bytes`,
          );
        }
        return new WebhookCredential(mode, { key });
      }
    }
  }

  /** Whether this credential was presented, for the modes that need no body. */
  matches(presented: PresentedCredentials): boolean {
    const digest = this.#digest;
    if (digest === undefined) return false;
    let found = false;
    for (const candidate of this.candidates(presented)) {
      if (timingSafeEqual(sha256(candidate), digest)) found = true;
    }
    return found;
  }

  /** What the caller presented in this credential's place. */
  private candidates(presented: PresentedCredentials): readonly string[] {
    const fromHeader =
      this.mode === 'bearer'
        ? authorizationValue(presented.authorization, 'bearer')
        : this.mode === 'basic'
          ? basicCredentials(presented.authorization)
          : undefined;
    if (this.mode === 'token') return presented.tokens;
    return fromHeader === undefined ? [] : [fromHeader];
  }

  /**
   * A Standard Webhooks signature: `webhook-signature` holds space-separated `v1,<base64>` of
   * HMAC-SHA256(key, `<webhook-id>.<webhook-timestamp>.<raw body>`), and the timestamp (epoch
   * seconds) must be within `toleranceS` of now, either way.
   */
  verifySignature(
    presented: PresentedCredentials,
    rawBody: Buffer,
    nowMs: number,
    toleranceS: number,
  ): Verdict {
    const key = this.#key;
    if (key === undefined) return fail('not an hmac credential');
    const headers = checkSignedHeaders(presented, nowMs, toleranceS);
    if (!headers.ok) return headers;
    const { id, timestamp, signature } = headers;
    const expected = createHmac('sha256', key)
      .update(`${id}.${timestamp}.`)
      .update(rawBody)
      .digest();
    let found = false;
    for (const entry of signature.split(' ')) {
      const comma = entry.indexOf(',');
      if (comma < 0 || entry.slice(0, comma) !== 'v1') continue;
      const encoded = entry.slice(comma + 1);
      if (!BASE64.test(encoded)) continue;
      if (secretsEqual(Buffer.from(encoded, 'base64'), expected)) found = true;
    }
    return found ? PASS : fail('signature does not match');
  }

  toJSON(): { mode: WebhookAuthMode } {
    return { mode: this.mode };
  }

  [inspect.custom](): string {
    return `WebhookCredential { mode: '${this.mode}' }`;
  }
}

/** The Standard Webhooks headers of a call, present and well formed. */
export interface SignedHeaders {
  ok: true;
  id: string;
  /** Epoch seconds, as sent. */
  timestamp: string;
  signature: string;
}

/**
 * What a Standard Webhooks call must carry besides a matching signature: the three headers, well
 * formed, and a timestamp (epoch seconds) within `toleranceS` of now, either way. Needs no body,
 * so a call that fails here is refused before its body is read.
 */
export function checkSignedHeaders(
  presented: PresentedCredentials,
  nowMs: number,
  toleranceS: number,
): SignedHeaders | Refusal {
  const { webhookId: id, webhookTimestamp: timestamp, webhookSignature: signature } = presented;
  if (!id || !timestamp || !signature)
    return fail('no webhook-id, webhook-timestamp or webhook-signature');
  if (id.length > MAX_WEBHOOK_ID || /[\s.]/.test(id)) return fail('malformed webhook-id');
  if (!TIMESTAMP.test(timestamp)) return fail('malformed webhook-timestamp');
  if (Math.abs(nowMs / 1000 - Number(timestamp)) > toleranceS) {
    return fail(`webhook-timestamp outside the ${toleranceS} s window`);
  }
  return { ok: true, id, timestamp, signature };
}

/** Signs like a Standard Webhooks sender: the `webhook-signature` value for a body. */
export function signStandardWebhook(
  secret: string,
  id: string,
  timestampS: number,
  body: string | Buffer,
): string {
  const key = Buffer.from(secret.slice(HMAC_PREFIX.length), 'base64');
  const mac = createHmac('sha256', key).update(`${id}.${timestampS}.`).update(body).digest();
  return `v1,${mac.toString('base64')}`;
}

export const WEBHOOK_AUTH_FORMAT =
  '"<brand or *>=<mode>:<secret>[;…]" (mode: token, basic, bearer, hmac) or "none"';

/**
 * `WEBHOOK_AUTH`: unset, `none`, or `;`-separated `<brand or *>=<mode>:<secret>` entries. `*`
 * covers the brands not listed; a brand listed more than once accepts any of its secrets (to
 * rotate one). A brand neither listed nor covered by `*` is refused.
 */
export class WebhookAuthPolicy {
  readonly #brands: ReadonlyMap<string, readonly WebhookCredential[]>;

  private constructor(
    /** `unset`: no variable; `none`: explicitly no authentication; `on`: credentials. */
    readonly state: 'unset' | 'none' | 'on',
    brands: Map<string, WebhookCredential[]>,
  ) {
    this.#brands = brands;
  }

  /** Errors name the entry's position, its brand when it is a valid brand name, and the rule; never a secret. */
  static parse(spec: string | undefined): WebhookAuthPolicy {
    const text = (spec ?? '').trim();
    if (text === '') return new WebhookAuthPolicy('unset', new Map());
    if (text === 'none') return new WebhookAuthPolicy('none', new Map());
    const brands = new Map<string, WebhookCredential[]>();
    text.split(';').forEach((raw, index) => {
      const entry = raw.trim();
      if (entry === '') return;
      const position = `entry ${index + 1}`;
      const equals = entry.indexOf('=');
      if (equals < 0) throw new Error(`${position}: expected ${WEBHOOK_AUTH_FORMAT}`);
      const brand = entry.slice(0, equals).trim();
      if (brand !== '*' && !isBrand(brand)) {
        throw new Error(`${position}: the brand must be * or a brand name (a-z 0-9 _ -, up to 48)`);
      }
      const rest = entry.slice(equals + 1).trim();
      const colon = rest.indexOf(':');
      const mode = rest.slice(0, Math.max(colon, 0)).trim();
      const named = `${position} (${brand})`;
      if (colon < 0 || !(WEBHOOK_AUTH_MODES as readonly string[]).includes(mode)) {
        throw new Error(
          `${named}: expected <mode>:<secret> with mode token, basic, bearer or hmac`,
        );
      }
      try {
        const credential = WebhookCredential.of(
          mode as WebhookAuthMode,
          rest.slice(colon + 1).trim(),
        );
        brands.set(brand, [...(brands.get(brand) ?? []), credential]);
      } catch (error) {
        throw new Error(`${named}, ${mode}: ${(error as Error).message}`);
      }
    });
    if (brands.size === 0) throw new Error(`no entry: expected ${WEBHOOK_AUTH_FORMAT}`);
    return new WebhookAuthPolicy('on', brands);
  }

  get enforced(): boolean {
    return this.state === 'on';
  }

  /** Whether the brand has entries of its own (else `*`, if any, covers it). */
  lists(brand: string): boolean {
    return this.#brands.has(brand);
  }

  /** The credentials a brand's calls may present; none for a brand nothing covers. */
  credentialsFor(brand: string): readonly WebhookCredential[] {
    return this.#brands.get(brand) ?? this.#brands.get('*') ?? [];
  }

  /** A summary fit for a log line: which brands use which modes. */
  describe(): string {
    if (!this.enforced) return this.state;
    return [...this.#brands]
      .map(
        ([brand, credentials]) =>
          `${brand}=${[...new Set(credentials.map((c) => c.mode))].join('+')}`,
      )
      .join(' ');
  }

  toJSON(): string {
    return this.describe();
  }

  [inspect.custom](): string {
    return `WebhookAuthPolicy { ${this.describe()} }`;
  }
}

/** The HMAC part of a call's authentication, made once its raw body has been read. */
export type SignatureCheck = (rawBody: Buffer, nowMs: number) => Verdict;

/**
 * Checks what a caller presented against a brand's credentials. Token, basic and bearer are
 * decided at once, and so are missing or stale Standard Webhooks headers: a caller that cannot
 * pass never gets its body read. When only an HMAC signature can still accept the call, the
 * answer is a check of the raw body, made as soon as it has been read.
 */
export function authenticate(
  credentials: readonly WebhookCredential[],
  presented: PresentedCredentials,
  window: { nowMs: number; toleranceS: number },
): Verdict | SignatureCheck {
  if (credentials.length === 0) return fail('no credential covers this brand');
  let matched = false;
  for (const credential of credentials) {
    if (credential.mode !== 'hmac' && credential.matches(presented)) matched = true;
  }
  if (matched) return PASS;
  const signed = credentials.filter((credential) => credential.mode === 'hmac');
  if (signed.length === 0) {
    const anything = presented.tokens.length > 0 || presented.authorization !== undefined;
    return fail(anything ? 'wrong credentials' : 'no credentials');
  }
  const headers = checkSignedHeaders(presented, window.nowMs, window.toleranceS);
  if (!headers.ok) return headers;
  return (rawBody, nowMs) => {
    let verdict: Verdict = fail('signature does not match');
    for (const credential of signed) {
      const result = credential.verifySignature(presented, rawBody, nowMs, window.toleranceS);
      if (result.ok) return result;
      verdict = result;
    }
    return verdict;
  };
}
