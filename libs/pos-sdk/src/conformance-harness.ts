/**
 * How the conformance kit drives and inspects the POS behind an integration. An integration
 * author writes one for their POS's sandbox or a local stand-in (`test/conformance/harnesses/` has the reference integrations' ones).
 */
export type PosMode =
  /** Takes orders. */
  | { mode: 'normal' }
  /** Takes orders, but only after `delayMs`: longer than Wix waits. */
  | { mode: 'slow'; delayMs: number }
  /** Cannot be reached at all. */
  | { mode: 'down' }
  /** Answers, refusing every order with an error of its own. */
  | { mode: 'failing' };

export interface ConformanceHarness {
  /** Starts the POS (or connects to it); returns the worker's extra environment. */
  start(): Promise<Record<string, string>>;
  setMode(mode: PosMode): Promise<void>;
  /** How many orders for this Wix order the POS holds and has not voided. */
  liveOrders(wixOrderId: string): Promise<number>;
  stop(): Promise<void>;
}

export interface HarnessContext {
  brand: string;
  /** The PostgreSQL database of the run, for a harness that needs one. */
  databaseUrl: string;
}

/** A harness module's default export. */
export type HarnessFactory = (context: HarnessContext) => ConformanceHarness;
