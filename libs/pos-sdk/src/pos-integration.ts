import type { PaymentCard } from './cards';
import type { SqlDatabase } from './sql-database';
import type { WixMenu, WixMenuItem, WixOrder } from './wix-order';

/**
 * One order line with the POS's own item id. `itemId` is the Wix item id; `choices` holds the
 * chosen choices of each of the item's variations, mapped the same way, at every depth.
 */
export interface PosOrderLine {
  itemId: string;
  posItemId: string;
  count: number;
  choices: PosOrderLine[][];
}

/** A validated Wix order, ready for the POS. */
export interface PosOrder {
  brand: string;
  restaurantId: string;
  wixOrderId: string;
  /**
   * The same for every attempt at this Wix order until one is voided, then a new one (the POS
   * keeps the voided key); never the key of another order. Give it to the POS API's idempotency
   * field (Square `idempotency_key`, Toast `externalId`, Simphony `idempotencyId`).
   */
  idempotencyKey: string;
  lines: PosOrderLine[];
  /** The Wix order as received (customer, delivery, payments, comment, totals); unknown fields kept. */
  wixOrder: WixOrder & Record<string, unknown>;
  /** The menu's items this order names, at every depth of choices, as Wix sent them. */
  menu: WixMenu;
  /**
   * Card token → card, when the merchant lets the POS clear cards: for the payment step only.
   * Never log, store or echo it; keep at most `cardSummary(card)`.
   */
  cards?: Readonly<Record<string, PaymentCard>>;
  receivedAt: Date;
}

/** What the POS answered. */
export interface SubmittedOrder {
  posOrderId: string;
}

/** A structured log line goes to the worker's log, tagged with the brand and the integration. */
export interface PosLog {
  info(event: string, fields?: Record<string, unknown>): void;
  warn(event: string, fields?: Record<string, unknown>): void;
  error(event: string, fields?: Record<string, unknown>): void;
}

export interface SubmitContext {
  /** Aborts when Wix can no longer be answered in time: stop, and leave no order behind. */
  signal: AbortSignal;
  /** The instant `signal` aborts. */
  deadline: Date;
  /** 1 on the first call for this Wix order; more after a retryable failure or a void. */
  attempt: number;
  log: PosLog;
}

export interface HookContext {
  signal: AbortSignal;
  log: PosLog;
}

/** Names an order the POS may hold: used to void one that completed too late. */
export interface OrderReference {
  brand: string;
  restaurantId: string;
  wixOrderId: string;
  idempotencyKey: string;
  /** Known when the POS answered, too late; absent when the call was abandoned. */
  posOrderId?: string;
}

/** Wix items the mapping table and the menu could not map. */
export interface MappingRequest {
  restaurantId: string;
  items: WixMenuItem[];
}

/**
 * What a brand implements to connect its point of sale. Only `submitOrder` is required.
 * Fail with the errors of `pos-errors.ts`; anything else is answered `pos_error`.
 */
export interface PosIntegration {
  submitOrder(order: PosOrder, context: SubmitContext): Promise<SubmittedOrder>;
  /**
   * Voids an order that the POS took after the deadline (Wix was told it failed), or whose
   * call was abandoned at the deadline. Must succeed when the POS has no such order.
   *
   * Must leave a tombstone for `idempotencyKey`, kept at least as long as the POS keeps
   * idempotency keys: the void may overtake its create ("void before create": the create is
   * still in flight, or arrives only after a retry), and a create with that key that reaches
   * the POS after the void must be refused, or made and voided at once. Either way the POS ends
   * with no live order for the key. The worker never reuses a voided key for a new attempt.
   */
  cancelOrder?(order: OrderReference, context: HookContext): Promise<void>;
  /** Wix item id → POS item id, looked up in the POS, for items nothing else maps. */
  resolveMappings?(request: MappingRequest, context: HookContext): Promise<Record<string, string>>;
  /** Throws when the POS cannot take orders; the worker reports itself not ready. */
  checkHealth?(context: HookContext): Promise<void>;
  /** Releases connections when the worker stops. */
  close?(): Promise<void>;
}

/** What the worker gives an integration when it starts. */
export interface IntegrationContext {
  brand: string;
  /** The worker's environment: read your own settings from it (see `readIntegrationConfig`). */
  env: Readonly<Record<string, string | undefined>>;
  log: PosLog;
  /**
   * The worker's own database (PostgreSQL, or the embedded store), migrated, for an integration
   * that keeps state of its own; create your own tables, prefixed with your integration's name.
   */
  database: SqlDatabase;
}

export type PosIntegrationFactory = (
  context: IntegrationContext,
) => PosIntegration | Promise<PosIntegration>;

/** Types an integration module's default export: `export default definePosIntegration(...)`. */
export function definePosIntegration(factory: PosIntegrationFactory): PosIntegrationFactory {
  return factory;
}
