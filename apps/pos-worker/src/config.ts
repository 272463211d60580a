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
import { BRAND_PATTERN } from '@wix-pos-gateway/contracts';
import { Expose, Transform } from 'class-transformer';
import type { LifecycleSettings } from './lifecycle/order-lifecycle';
import { IsInt, IsOptional, IsString, Matches, Max, Min, MinLength } from 'class-validator';

/**
 * Every variable the POS worker reads, flat as in the environment; docs/configuration.md lists
 * them with these defaults. Code reads the `WorkerConfig` made from it, never these names.
 */
export class WorkerEnv extends KafkaEnv {
  /** The brand whose orders this worker takes: its topic is `pos.orders.<brand>.v1`. */
  @Expose()
  @Matches(BRAND_PATTERN, { message: 'BRAND must be lower-case letters, digits, - or _' })
  BRAND = 'demo';

  /** HTTP port for health and metrics. */
  @Expose()
  @Transform(toInt)
  @IsInt()
  @Min(0)
  @Max(65535)
  PORT = 8081;

  /** `kitchen-inbox`, `http`, or the module path or package name of the brand's own integration. */
  @Expose()
  @IsString()
  @MinLength(1)
  POS_INTEGRATION = 'kitchen-inbox';

  /**
   * Where a module path in `POS_INTEGRATION` is resolved from, and a package name looked up (its
   * `node_modules`); unset: the working directory. The worker image sets `/app/integrations`.
   */
  @Expose()
  @IsOptional()
  @IsString()
  @MinLength(1)
  POS_INTEGRATION_DIR?: string;

  /** The integration is stopped this long before the gateway's deadline, to leave time for the reply. */
  @Expose()
  @Transform(toInt)
  @IsInt()
  @Min(0)
  @Max(5_000)
  POS_DEADLINE_MARGIN_MS = 250;

  /** Bearer token of the read-only order lookup (`GET /orders/…`); unset: the lookup is off. */
  @Expose()
  @IsOptional()
  @IsString()
  @MinLength(16, { message: 'OPERATOR_TOKEN must be at least 16 characters' })
  OPERATOR_TOKEN?: string;

  /** The gateway's card keys (`<key id>:<base64>[,…]`), to open card data; unset: no card orders. */
  @Expose()
  @IsString()
  CARD_KEYS = '';

  /** An order with less time than this left to reach the POS is answered `endpoint_down` at once. */
  @Expose()
  @Transform(toInt)
  @IsInt()
  @Min(0)
  @Max(5_000)
  POS_MIN_BUDGET_MS = 500;

  /**
   * How long past the last deadline of the deliveries that heard an order's id the reconciler
   * waits before it confirms the order, or voids it when no gateway recorded that answer.
   */
  @Expose()
  @Transform(toInt)
  @IsInt()
  @Min(1_000)
  @Max(600_000)
  ORDER_SETTLE_MS = 10_000;

  /** How often the reconciler looks for orders to confirm or void. */
  @Expose()
  @Transform(toInt)
  @IsInt()
  @Min(100)
  @Max(60_000)
  RECONCILE_EVERY_MS = 2_000;

  /** Every PostgreSQL statement of the worker is cancelled after this long. */
  @Expose()
  @Transform(toInt)
  @IsInt()
  @Min(100)
  @Max(60_000)
  DATABASE_STATEMENT_TIMEOUT_MS = 5_000;

  /** PostgreSQL of the order ledger and mapping table; unset: the embedded store in `DATA_DIR`. */
  @Expose()
  @IsOptional()
  @IsString()
  @MinLength(1)
  DATABASE_URL?: string;

  /** Where the embedded store lives when `DATABASE_URL` is unset: one worker per directory. */
  @Expose()
  @IsString()
  @MinLength(1)
  DATA_DIR = '.data/pos-worker';

  /** Connections to PostgreSQL (or the embedded store) the worker keeps open at most. */
  @Expose()
  @Transform(toInt)
  @IsInt()
  @Min(1)
  @Max(200)
  DATABASE_POOL_SIZE = 10;

  /** The key of `menu.items[].externalIds` that holds the POS item id. */
  @Expose()
  @IsString()
  @MinLength(1)
  POS_EXTERNAL_ID_KEY = 'pos';

  /** Partitions of the brand's order topic when the worker creates it: the most worker processes that share the brand's orders. */
  @Expose()
  @Transform(toInt)
  @IsInt()
  @Min(1)
  @Max(1000)
  REQUEST_TOPIC_PARTITIONS = 12;

  /** How long the brand's topic keeps orders — and their sealed cards: minutes to hours, never days. */
  @Expose()
  @Transform(toInt)
  @IsInt()
  @Min(60_000)
  @Max(21_600_000)
  REQUEST_TOPIC_RETENTION_MS = 600_000;

  /** Orders one worker process handles at once; orders of one restaurant still run in order. */
  @Expose()
  @Transform(toInt)
  @IsInt()
  @Min(1)
  @Max(10_000)
  WORKER_MAX_IN_FLIGHT = 64;

  /** A worker that stops heart-beating loses its partitions to the others after this long. */
  @Expose()
  @Transform(toInt)
  @IsInt()
  @Min(6_000)
  @Max(300_000)
  KAFKA_SESSION_TIMEOUT_MS = 10_000;
}

/** What the worker's code reads: its environment, validated once and grouped by concern. */
export class WorkerConfig {
  /** The brand whose orders this worker takes. */
  readonly brand: string;
  /** HTTP port for health and metrics. */
  readonly port: number;
  readonly logLevel: LogLevel;
  readonly kafka: KafkaSettings & { sessionTimeoutMs: number };
  /** No `url`: the embedded store in `dataDir`. */
  readonly database: {
    url?: string;
    dataDir: string;
    poolSize: number;
    statementTimeoutMs: number;
  };
  readonly integration: {
    /** `kitchen-inbox`, `http`, or the module path or package name of the brand's own. */
    name: string;
    /** Where `name` is resolved from when it is a path or a package; unset: the working directory. */
    dir?: string;
    deadlineMarginMs: number;
    minBudgetMs: number;
    /** The key of `menu.items[].externalIds` that holds the POS item id. */
    externalIdKey: string;
  };
  readonly orders: { settleMs: number; reconcileEveryMs: number; maxInFlight: number };
  /**
   * What the order lifecycle judges by: a new attempt needs the POS call's minimum plus the
   * margin left to answer after it.
   */
  readonly lifecycle: LifecycleSettings;
  /** The brand's order and answer topics, when the worker creates them. */
  readonly topics: { partitions: number; retentionMs: number };
  /** The keys that open the gateway's sealed card data; none: no card orders. */
  readonly cards: { keyring?: CardKeyring };
  /** No `token`: the order lookup is off. */
  readonly operator: { token?: string };

  constructor(env: WorkerEnv, parsed: { keyring?: CardKeyring }) {
    this.brand = env.BRAND;
    this.port = env.PORT;
    this.logLevel = env.LOG_LEVEL;
    this.kafka = {
      ...kafkaSettings(env, `pos-worker-${env.BRAND}`),
      sessionTimeoutMs: env.KAFKA_SESSION_TIMEOUT_MS,
    };
    this.database = {
      url: env.DATABASE_URL,
      dataDir: env.DATA_DIR,
      poolSize: env.DATABASE_POOL_SIZE,
      statementTimeoutMs: env.DATABASE_STATEMENT_TIMEOUT_MS,
    };
    this.integration = {
      name: env.POS_INTEGRATION,
      dir: env.POS_INTEGRATION_DIR,
      deadlineMarginMs: env.POS_DEADLINE_MARGIN_MS,
      minBudgetMs: env.POS_MIN_BUDGET_MS,
      externalIdKey: env.POS_EXTERNAL_ID_KEY,
    };
    this.orders = {
      settleMs: env.ORDER_SETTLE_MS,
      reconcileEveryMs: env.RECONCILE_EVERY_MS,
      maxInFlight: env.WORKER_MAX_IN_FLIGHT,
    };
    this.lifecycle = {
      minBudgetMs: env.POS_MIN_BUDGET_MS + env.POS_DEADLINE_MARGIN_MS,
      settleMs: env.ORDER_SETTLE_MS,
    };
    this.topics = {
      partitions: env.REQUEST_TOPIC_PARTITIONS,
      retentionMs: env.REQUEST_TOPIC_RETENTION_MS,
    };
    this.cards = { keyring: parsed.keyring };
    this.operator = { token: env.OPERATOR_TOKEN };
  }
}

/**
 * Reads the worker's environment once, at start: every bad variable is named in one error,
 * before anything is opened. `CARD_KEYS` is parsed here, and only here.
 */
export function loadWorkerConfig(vars: Record<string, string | undefined>): WorkerConfig {
  const { config: env, problems } = validateConfig(WorkerEnv, vars);
  let keyring: CardKeyring | undefined;
  if (env.CARD_KEYS) {
    try {
      keyring = CardKeyring.parse(env.CARD_KEYS);
    } catch (error) {
      problems.push(`CARD_KEYS: ${(error as Error).message}`);
    }
  }
  if (problems.length > 0) throw invalidConfiguration(problems);
  return new WorkerConfig(env, { keyring });
}
