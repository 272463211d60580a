import { LifecycleSettings } from '../../apps/pos-worker/src/lifecycle/order-lifecycle';
import { Clock } from './clock';
import { Random } from './random';
import { Interval, Rates, Scenario } from './scenario';

/** Hears each event of a schedule, at its simulated time. */
export type Trace = (time: number, who: string, what: string) => void;

/** What every part of the simulated world shares: time, chance, the faults and the findings. */
export class Sim {
  readonly random: Random;
  readonly clock: Clock;
  readonly settings: LifecycleSettings = { minBudgetMs: 500, settleMs: 10_000 };
  /** Past the faults: no call fails any more, so the world can settle. */
  healed = false;
  /** Periodic work (sweeps, polls) stops so the remaining timers can drain. */
  stopped = false;
  readonly violations: string[] = [];
  /** POS order ids the ledger confirmed: nobody may void them. */
  readonly confirmedIds = new Set<string>();

  /** Only ever called as `trace?.(…)`, so that an untraced run does not even word its events. */
  readonly trace?: (who: string, what: string) => void;

  constructor(
    readonly scenario: Scenario,
    trace?: Trace,
  ) {
    if (trace) this.trace = (who, what) => trace(this.clock.now, who, what);
    // A stream of its own: the schedule does not depend on how the scenario was drawn.
    this.random = new Random(scenario.seed ^ 0x5bd1e995);
    this.clock = new Clock(this.random);
  }

  get now(): number {
    return this.clock.now;
  }

  roll(fault: keyof Rates): boolean {
    return !this.healed && this.random.chance(this.scenario.rates[fault]);
  }

  /** The end of the outage under way at `time`, or `time` itself. */
  upAt(intervals: Interval[], time = this.clock.now): number {
    for (const { from, to } of intervals) if (time >= from && time < to) return to;
    return time;
  }

  violation(rule: string): void {
    this.violations.push(rule);
    this.trace?.('CHECK', `violation: ${rule}`);
  }
}
