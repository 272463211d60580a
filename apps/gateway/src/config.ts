import { ORDER_PAYLOAD_MAX_BYTES } from '@wix-pos-gateway/contracts';
import { CardKeyring } from '@wix-pos-gateway/cards';
import {
  KafkaEnv,
  KafkaSettings,
  LogLevel,
  invalidConfiguration,
  kafkaSettings,
  toInt,
  validateConfig,
} from '@wix-pos-gateway/config';
import { Expose, Transform } from 'class-transformer';
import {
  IsIn,
  IsInt,
  IsNumber,
  IsString,
  Matches,
  Max,
  Min,
  Validate,
  ValidateIf,
  ValidationArguments,
  ValidatorConstraint,
  ValidatorConstraintInterface,
} from 'class-validator';
import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { hostname } from 'node:os';
import { createSecureContext } from 'node:tls';
import { WebhookAuthPolicy } from './webhook/webhook-auth';

type Rule = (config: GatewayEnv) => string | undefined;

/** A rule across variables: `@Validate(CrossRule, [rule])`, failing with the rule's message. */
@ValidatorConstraint({ name: 'crossRule' })
class CrossRule implements ValidatorConstraintInterface {
  validate(_value: unknown, args: ValidationArguments): boolean {
    return (args.constraints[0] as Rule)(args.object as GatewayEnv) === undefined;
  }

  defaultMessage(args: ValidationArguments): string {
    return (args.constraints[0] as Rule)(args.object as GatewayEnv) ?? '';
  }
}

const SECURITY = 'see docs/security.md';

function tlsProblem(config: GatewayEnv): string | undefined {
  const cert = config.TLS_CERT_FILE !== '';
  if (cert !== (config.TLS_KEY_FILE !== '')) {
    return 'TLS_CERT_FILE and TLS_KEY_FILE go together: set both, or neither';
  }
  if (config.TLS === 'off' && cert) {
    return 'TLS=off serves plain HTTP, yet TLS_CERT_FILE is set: unset one of them';
  }
  if (config.production && config.TLS === 'auto' && !cert) {
    return `NODE_ENV=production needs HTTPS: set TLS_CERT_FILE and TLS_KEY_FILE, or TLS=off when a TLS-terminating proxy is in front of the gateway (${SECURITY})`;
  }
  return undefined;
}

/**
 * Every variable the gateway reads, flat as in the environment; docs/configuration.md lists
 * them. Code reads the `GatewayConfig` made from it, never these names.
 */
export class GatewayEnv extends KafkaEnv {
  /** HTTP(S) port of the webhook, health, metrics and `/openapi.json`. */
  @Expose()
  @Transform(toInt)
  @IsInt()
  @Min(0)
  @Max(65535)
  PORT = 8080;

  /** The time budget of one webhook call, from its arrival; Wix gives up after 10 s. */
  @Expose()
  @Transform(toInt)
  @IsInt()
  @Min(100)
  @Max(9_500)
  ORDER_DEADLINE_MS = 8_000;

  /**
   * How long a kept-alive connection may sit idle before the gateway closes it (Node's default
   * is 5 s). Longer than the idle timeout of a proxy or load balancer in front (60 s for most),
   * so that the gateway never closes a connection just as the proxy sends a call on it: the
   * call would fail. Each answer tells the client this timeout (`Keep-Alive: timeout=65`).
   */
  @Expose()
  @Transform(toInt)
  @IsInt()
  @Min(1_000)
  @Max(3_600_000)
  HTTP_KEEP_ALIVE_MS = 65_000;

  /**
   * Largest accepted body; a full menu with its order can be several megabytes. It must fit a
   * Kafka message of the order topic, with room for the headers and sealed cards.
   */
  @Expose()
  @Transform(toInt)
  @IsInt()
  @Min(1_024)
  @Max(ORDER_PAYLOAD_MAX_BYTES)
  MAX_BODY_BYTES = 10 * 1024 * 1024;

  /**
   * Names this process's own reply consumer group; must differ between running gateways.
   * @default <hostname>-<pid>-<8 random hex digits>
   */
  @Expose()
  @IsString()
  @Matches(/^[A-Za-z0-9._-]{1,100}$/)
  GATEWAY_INSTANCE_ID = `${hostname()}-${process.pid}-${randomUUID().slice(0, 8)}`;

  /** Calls of one brand in flight at once; more are answered `endpoint_down` at once (shed). */
  @Expose()
  @Transform(toInt)
  @IsInt()
  @Min(1)
  @Max(100_000)
  MAX_IN_FLIGHT_PER_BRAND = 500;

  /**
   * Share of the last three seconds this gateway's event loop may have been busy; past it,
   * while the loop also ran what was due 40 ms late or more on average, a call is answered
   * `endpoint_down` before its body is read (shed). A loop only waiting for a core of a busy
   * machine runs on time and sheds nothing. Measured from when the gateway starts serving,
   * so its own start is not load. `1` turns this off.
   */
  @Expose()
  @Transform(({ value }: { value: unknown }) => (value === undefined ? undefined : Number(value)))
  @IsNumber()
  @Min(0.5)
  @Max(1)
  MAX_EVENT_LOOP_UTILIZATION = 0.9;

  /** Partitions of the reply topic when the gateway creates it. */
  @Expose()
  @Transform(toInt)
  @IsInt()
  @Min(1)
  @Max(1000)
  REPLY_TOPIC_PARTITIONS = 6;

  /** How long the reply topic keeps answers when the gateway creates it. */
  @Expose()
  @Transform(toInt)
  @IsInt()
  @Min(60_000)
  REPLY_TOPIC_RETENTION_MS = 3_600_000;

  /** `on` when the merchant lets the POS clear cards: Wix then sends full card data. */
  @Expose()
  @IsIn(['on', 'off'])
  CARD_PAYMENTS: 'on' | 'off' = 'off';

  /** `<key id>:<base64 of 32 bytes>[,…]`: the first seals card data for Kafka; any opens it. */
  @Expose()
  @ValidateIf((config: GatewayEnv) => config.CARD_PAYMENTS === 'on')
  @IsString()
  @Matches(/./, {
    message:
      'CARD_KEYS is required when CARD_PAYMENTS=on: the keys that seal card data for Kafka (see docs/security.md, "Card payments")',
  })
  CARD_KEYS = '';

  /** `production` makes HTTPS (or `TLS=off`) and webhook authentication (or `none`) mandatory. */
  @Expose()
  @IsString()
  NODE_ENV = '';

  /** `auto`: HTTPS when a certificate is given; `off`: plain HTTP behind a TLS-terminating proxy. */
  @Expose()
  @IsIn(['auto', 'off'])
  @Validate(CrossRule, [tlsProblem])
  TLS: 'auto' | 'off' = 'auto';

  /** PEM certificate (chain) file, read once at start; HTTPS needs it with `TLS_KEY_FILE`. */
  @Expose()
  @IsString()
  TLS_CERT_FILE = '';

  /** PEM private key file of `TLS_CERT_FILE`, read once at start. */
  @Expose()
  @IsString()
  TLS_KEY_FILE = '';

  /** `<brand or *>=<mode>:<secret>[;…]` (token, basic, bearer, hmac) or `none`. */
  @Expose()
  @IsString()
  WEBHOOK_AUTH = '';

  /** How far `webhook-timestamp` may be from now, either way, for `hmac`. */
  @Expose()
  @Transform(toInt)
  @IsInt()
  @Min(1)
  @Max(3_600)
  WEBHOOK_HMAC_TOLERANCE_S = 300;

  get production(): boolean {
    return this.NODE_ENV === 'production';
  }
}

export interface TlsOptions {
  cert: Buffer;
  key: Buffer;
  minVersion: 'TLSv1.2';
}

/** What the gateway's code reads: its environment, validated once and grouped by concern. */
export class GatewayConfig {
  readonly port: number;
  readonly production: boolean;
  readonly logLevel: LogLevel;
  /** Names this process's reply consumer group and its Kafka client. */
  readonly instanceId: string;
  readonly kafka: KafkaSettings;
  readonly replyTopic: { partitions: number; retentionMs: number };
  readonly orders: { deadlineMs: number; maxInFlightPerBrand: number };
  readonly webhook: {
    maxBodyBytes: number;
    keepAliveMs: number;
    maxEventLoopUtilization: number;
    auth: WebhookAuthPolicy;
    hmacToleranceS: number;
  };
  /** The keys that seal card data for Kafka; none: card payments are off. */
  readonly cards: { keyring?: CardKeyring };
  /** `https`: Nest's `httpsOptions`, the files read once; none: plain HTTP. */
  readonly tls: { mode: 'auto' | 'off'; https?: TlsOptions };

  constructor(env: GatewayEnv, parsed: { auth: WebhookAuthPolicy; keyring?: CardKeyring }) {
    this.port = env.PORT;
    this.production = env.production;
    this.logLevel = env.LOG_LEVEL;
    this.instanceId = env.GATEWAY_INSTANCE_ID;
    this.kafka = kafkaSettings(env, `pos-gateway-${env.GATEWAY_INSTANCE_ID}`);
    this.replyTopic = {
      partitions: env.REPLY_TOPIC_PARTITIONS,
      retentionMs: env.REPLY_TOPIC_RETENTION_MS,
    };
    this.orders = {
      deadlineMs: env.ORDER_DEADLINE_MS,
      maxInFlightPerBrand: env.MAX_IN_FLIGHT_PER_BRAND,
    };
    this.webhook = {
      maxBodyBytes: env.MAX_BODY_BYTES,
      keepAliveMs: env.HTTP_KEEP_ALIVE_MS,
      maxEventLoopUtilization: env.MAX_EVENT_LOOP_UTILIZATION,
      auth: parsed.auth,
      hmacToleranceS: env.WEBHOOK_HMAC_TOLERANCE_S,
    };
    this.cards = { keyring: parsed.keyring };
    this.tls = { mode: env.TLS, https: readTlsOptions(env) };
  }
}

/**
 * Reads the gateway's environment once, at start: every bad variable is named in one error,
 * before any port is opened. `WEBHOOK_AUTH` and `CARD_KEYS` are parsed here, and only here.
 */
export function loadGatewayConfig(vars: Record<string, string | undefined>): GatewayConfig {
  const { config: env, problems } = validateConfig(GatewayEnv, vars);
  const auth = parsed(problems, 'WEBHOOK_AUTH', () => webhookAuth(env));
  const keyring =
    env.CARD_PAYMENTS === 'on' && env.CARD_KEYS !== ''
      ? parsed(problems, 'CARD_KEYS', () => CardKeyring.parse(env.CARD_KEYS))
      : undefined;
  if (problems.length > 0 || !auth) throw invalidConfiguration(problems);
  return new GatewayConfig(env, { auth, keyring });
}

function parsed<T>(problems: string[], variable: string, parse: () => T): T | undefined {
  try {
    return parse();
  } catch (error) {
    problems.push(`${variable}: ${(error as Error).message}`);
    return undefined;
  }
}

function webhookAuth(env: GatewayEnv): WebhookAuthPolicy {
  let policy: WebhookAuthPolicy;
  try {
    policy = WebhookAuthPolicy.parse(env.WEBHOOK_AUTH);
  } catch (error) {
    throw new Error(`${(error as Error).message} (${SECURITY})`);
  }
  if (env.production && policy.state === 'unset') {
    throw new Error(
      `NODE_ENV=production needs webhook authentication: set WEBHOOK_AUTH to "<brand or *>=<mode>:<secret>[;…]", or to "none" to take unauthenticated calls (${SECURITY})`,
    );
  }
  return policy;
}

/**
 * The certificate and key for Nest's `httpsOptions` (TLS 1.2 and later), or undefined for plain
 * HTTP. Throws when a file cannot be read or the pair is unusable; the message names the file
 * and the reason, never what the file holds.
 */
function readTlsOptions(env: GatewayEnv): TlsOptions | undefined {
  if (env.TLS === 'off' || env.TLS_CERT_FILE === '') return undefined;
  const cert = readPem('TLS_CERT_FILE', env.TLS_CERT_FILE);
  const key = readPem('TLS_KEY_FILE', env.TLS_KEY_FILE);
  try {
    createSecureContext({ cert, key, minVersion: 'TLSv1.2' });
  } catch (error) {
    const reason =
      errorField(error, 'reason') ?? errorField(error, 'code') ?? 'rejected by OpenSSL';
    throw new Error(
      `Invalid configuration\n  TLS_CERT_FILE, TLS_KEY_FILE: not a usable PEM certificate and matching private key (${reason})`,
    );
  }
  return { cert, key, minVersion: 'TLSv1.2' };
}

function readPem(variable: string, path: string): Buffer {
  try {
    return readFileSync(path);
  } catch (error) {
    throw new Error(
      `Invalid configuration\n  ${variable}: cannot read ${JSON.stringify(path)} (${errorField(error, 'code') ?? 'unreadable'})`,
    );
  }
}

/** A string field of a Node or OpenSSL error (`code`, `reason`): names a failure, quotes no data. */
function errorField(error: unknown, field: 'code' | 'reason'): string | undefined {
  const value = (error as Record<string, unknown> | null)?.[field];
  return typeof value === 'string' ? value : undefined;
}
