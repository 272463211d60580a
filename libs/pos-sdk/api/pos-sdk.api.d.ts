// The API of @wix-pos-gateway/pos-sdk, from its declarations; do not edit by hand.
// A change here is a change to every integration: version it (CHANGELOG.md), then UPDATE_API_REPORT=1 npm run test:unit.

// cards.d.ts
export interface PaymentCard {
    number: string;
    expireMonth: number;
    expireYear: number;
    csc?: string;
    holderName?: string;
    holderId?: string;
    billingAddress?: string;
    billingPostalCode?: string;
}
export type CardNetwork = "visa" | "mastercard" | "amex" | "discover" | "unknown";
export declare function cardNetwork(pan: string): CardNetwork;
export declare function maskPan(pan: string): string;
export interface CardSummary {
    network: CardNetwork;
    first6: string | null;
    last4: string;
    expireMonth: number;
    expireYear: number;
}
export declare function cardSummary(card: PaymentCard): CardSummary;

// conformance-harness.d.ts
export type PosMode = {
    mode: "normal";
} | {
    mode: "slow";
    delayMs: number;
} | {
    mode: "down";
} | {
    mode: "failing";
};
export interface ConformanceHarness {
    start(): Promise<Record<string, string>>;
    setMode(mode: PosMode): Promise<void>;
    liveOrders(wixOrderId: string): Promise<number>;
    stop(): Promise<void>;
}
export interface HarnessContext {
    brand: string;
    databaseUrl: string;
}
export type HarnessFactory = (context: HarnessContext) => ConformanceHarness;

// index.d.ts
export * from "./pos-integration";
export * from "./pos-errors";
export * from "./wix-order";
export * from "./cards";
export * from "./sql-database";
export * from "./integration-config";
export * from "./conformance-harness";

// integration-config.d.ts
export interface Setting<T> {
    read(text: string | undefined): {
        value: T;
    } | {
        problem: string;
    };
    readonly reference: SettingReference;
}
export interface SettingReference {
    default?: string;
    required: boolean;
    allowed: string;
}
export type Settings = Record<string, Setting<unknown>>;
export type ConfigOf<S extends Settings> = {
    readonly [K in keyof S]: S[K] extends Setting<infer T> ? T : never;
};
export declare function readIntegrationConfig<S extends Settings>(env: Readonly<Record<string, string | undefined>>, settings: S): ConfigOf<S>;
export declare function text(options?: {
    default?: string;
    minLength?: number;
    pattern?: RegExp;
}): Setting<string>;
export declare function int(options?: {
    default?: number;
    min?: number;
    max?: number;
}): Setting<number>;
export declare function url(options?: {
    default?: string;
}): Setting<string>;
export declare function oneOf<const T extends string>(values: readonly T[], options?: {
    default?: NoInfer<T>;
}): Setting<T>;
export declare function optional<T>(setting: Setting<T>): Setting<T | undefined>;

// pos-errors.d.ts
export type PosFailureKind = "unknown_items" | "card_declined" | "pos_unavailable" | "pos_error";
export interface FailureOptions {
    cause?: unknown;
    orderMayExist?: boolean;
}
export declare abstract class PosFailure extends Error {
    abstract readonly kind: PosFailureKind;
    abstract readonly retryable: boolean;
    readonly orderMayExist: boolean;
    constructor(message: string, options?: FailureOptions);
}
export declare class UnknownItemsError extends PosFailure {
    readonly posItemIds: readonly string[];
    readonly kind = "unknown_items";
    readonly retryable = false;
    constructor(posItemIds: readonly string[], message?: string);
}
export declare class CardDeclinedError extends PosFailure {
    readonly kind = "card_declined";
    readonly retryable = false;
}
export declare class PosUnavailableError extends PosFailure {
    readonly kind = "pos_unavailable";
    readonly retryable = true;
}
export declare class PosError extends PosFailure {
    readonly kind = "pos_error";
    readonly retryable: boolean;
    constructor(message: string, options?: FailureOptions & {
        retryable?: boolean;
    });
}
export declare function isPosFailure(error: unknown): error is PosFailure;

// pos-integration.d.ts
import type { PaymentCard } from "./cards";
import type { SqlDatabase } from "./sql-database";
import type { WixMenu, WixMenuItem, WixOrder } from "./wix-order";
export interface PosOrderLine {
    itemId: string;
    posItemId: string;
    count: number;
    choices: PosOrderLine[][];
}
export interface PosOrder {
    brand: string;
    restaurantId: string;
    wixOrderId: string;
    idempotencyKey: string;
    lines: PosOrderLine[];
    wixOrder: WixOrder & Record<string, unknown>;
    menu: WixMenu;
    cards?: Readonly<Record<string, PaymentCard>>;
    receivedAt: Date;
}
export interface SubmittedOrder {
    posOrderId: string;
}
export interface PosLog {
    info(event: string, fields?: Record<string, unknown>): void;
    warn(event: string, fields?: Record<string, unknown>): void;
    error(event: string, fields?: Record<string, unknown>): void;
}
export interface SubmitContext {
    signal: AbortSignal;
    deadline: Date;
    attempt: number;
    log: PosLog;
}
export interface HookContext {
    signal: AbortSignal;
    log: PosLog;
}
export interface OrderReference {
    brand: string;
    restaurantId: string;
    wixOrderId: string;
    idempotencyKey: string;
    posOrderId?: string;
}
export interface MappingRequest {
    restaurantId: string;
    items: WixMenuItem[];
}
export interface PosIntegration {
    submitOrder(order: PosOrder, context: SubmitContext): Promise<SubmittedOrder>;
    cancelOrder?(order: OrderReference, context: HookContext): Promise<void>;
    resolveMappings?(request: MappingRequest, context: HookContext): Promise<Record<string, string>>;
    checkHealth?(context: HookContext): Promise<void>;
    close?(): Promise<void>;
}
export interface IntegrationContext {
    brand: string;
    env: Readonly<Record<string, string | undefined>>;
    log: PosLog;
    database: SqlDatabase;
}
export type PosIntegrationFactory = (context: IntegrationContext) => PosIntegration | Promise<PosIntegration>;
export declare function definePosIntegration(factory: PosIntegrationFactory): PosIntegrationFactory;

// sql-database.d.ts
export interface SqlResult<T> {
    rows: T[];
    rowCount: number | null;
}
export interface SqlClient {
    query<T extends object = Record<string, unknown>>(text: string, params?: unknown[]): Promise<SqlResult<T>>;
    release(broken?: boolean | Error): void;
}
export interface SqlDatabase {
    query<T extends object = Record<string, unknown>>(text: string, params?: unknown[]): Promise<SqlResult<T>>;
    connect(): Promise<SqlClient>;
    end(): Promise<void>;
}
export interface ConnectionEvents {
    on(event: "error", listener: (error: Error) => void): unknown;
}
export interface WatchedPool extends ConnectionEvents {
    on(event: "error", listener: (error: Error) => void): unknown;
    on(event: "connect", listener: (client: ConnectionEvents) => void): unknown;
}
export declare function watchPool(pool: WatchedPool, onError: (error: Error) => void): void;

// wix-order.d.ts
export interface WixOrderLine {
    itemId: string;
    count?: number;
    variationsChoices?: WixOrderLine[][];
}
export interface WixOrder {
    id: string;
    restaurantId: string;
    orderItems: WixOrderLine[];
}
export interface WixMenuItem {
    id: string;
    externalIds?: Record<string, unknown>;
}
export interface WixMenu {
    items: WixMenuItem[];
}
