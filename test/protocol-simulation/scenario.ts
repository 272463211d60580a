import { Random } from './random';

/** How often each per-call fault strikes; 0 when a schedule leaves that fault out. */
export interface Rates {
  /** Kafka delivers an order request again, to another worker (rebalance, redelivery). */
  requestRedelivered: number;
  requestDelayed: number;
  replyLost: number;
  replyDelayed: number;
  /** A ledger write is not applied, and the worker hears an error. */
  dbWriteFails: number;
  /** A ledger write is applied, and the worker hears an error. */
  dbAckLost: number;
  dbSlow: number;
  /** The create reaches the POS late: after its call was abandoned, or after its void. */
  posSlow: number;
  /** The POS took the order; its answer never comes back. */
  posAnswerLost: number;
  posFailsRetryably: number;
  posFailsForGood: number;
  /** The POS took the order and answered an error (`mayExist`). */
  posFailsAfterCreate: number;
  cancelFails: number;
  /** The void was applied; its answer never comes back. */
  cancelAnswerLost: number;
  /** The void reaches the POS after its caller gave up on it. */
  cancelSlow: number;
  /** A `decided` write never reaches the broker. */
  decisionLost: number;
  /** A `decided` write reaches the log late (the producer retries), maybe after the deadline. */
  decisionSlow: number;
  /** The broker appended a `decided` write; its acknowledgement never comes back. */
  decisionAckLost: number;
  decisionAckSlow: number;
  /** A `written` or `withdrawn` mark never reaches the broker. */
  markLost: number;
  /** The gateway dies between a decision's acknowledgement and writing the response. */
  gatewayCrashBeforeWrite: number;
  /** A worker dies before a step of its work. */
  workerDies: number;
  /** A worker stops (SIGSTOP, a long GC) before a step of its work, and resumes later. */
  workerStalls: number;
}

export interface Interval {
  from: number;
  to: number;
}

export interface ProcessFault {
  index: number;
  at: number;
  forMs: number;
}

export interface OrderPlan {
  wixOrderId: string;
  at: number;
  /** More deliveries of the same call at about the same time (ms after the first). */
  duplicatesAfterMs: number[];
  /** Wix retries after an answer that is not `value`: the gap before each. */
  retryGapsMs: number[];
}

export interface Scenario {
  seed: number;
  deadlineMs: number;
  /** The database's clock minus true time: only the ledger's records use it. */
  dbOffsetMs: number;
  workers: number;
  gateways: number;
  orders: OrderPlan[];
  rates: Rates;
  outages: { db: Interval[]; broker: Interval[]; pos: Interval[]; answersConsumer: Interval[] };
  workerCrashes: ProcessFault[];
  workerPauses: ProcessFault[];
  gatewayCrashes: ProcessFault[];
  /** The integration has no `cancelOrder`: every void is 'unsupported'. */
  posCannotVoid: boolean;
  /** When the last planned fault is over. */
  calmAt: number;
}

/** The most a schedule gives each fault: a worker's step faults strike at any of its steps. */
const MAX_RATES: Rates = {
  requestRedelivered: 0.5,
  requestDelayed: 0.5,
  replyLost: 0.5,
  replyDelayed: 0.5,
  dbWriteFails: 0.5,
  dbAckLost: 0.5,
  dbSlow: 0.5,
  posSlow: 0.5,
  posAnswerLost: 0.5,
  posFailsRetryably: 0.5,
  posFailsForGood: 0.5,
  posFailsAfterCreate: 0.5,
  cancelFails: 0.5,
  cancelAnswerLost: 0.5,
  cancelSlow: 0.5,
  decisionLost: 0.5,
  decisionSlow: 0.5,
  decisionAckLost: 0.5,
  decisionAckSlow: 0.5,
  markLost: 0.5,
  gatewayCrashBeforeWrite: 0.5,
  workerDies: 0.05,
  workerStalls: 0.05,
};

/** A random mix of orders, deliveries and faults: the same for the same seed. */
export function scenarioOf(seed: number): Scenario {
  const random = new Random(seed);
  const calm = random.chance(0.1);
  const rates = { ...MAX_RATES };
  for (const name of Object.keys(rates) as (keyof Rates)[]) {
    rates[name] = !calm && random.chance(0.3) ? rates[name] * (0.1 + 0.9 * random.next()) : 0;
  }
  const workers = random.int(2, 3);
  const gateways = 2;
  const outage = () => (!calm && random.chance(0.2) ? [intervalOf(random)] : []);
  const faults = (count: number, chance: number, maxMs: number) =>
    calm || !random.chance(chance)
      ? []
      : Array.from({ length: random.int(1, 2) }, () => ({
          index: random.int(0, count - 1),
          at: random.int(0, 20_000),
          forMs: random.int(500, maxMs),
        }));
  const scenario: Scenario = {
    seed,
    deadlineMs: random.chance(0.5) ? 8_000 : random.int(5_000, 10_000),
    dbOffsetMs: random.int(-3_600_000, 3_600_000),
    workers,
    gateways,
    orders: Array.from({ length: random.int(1, 3) }, (_, i) => orderOf(random, `o${i + 1}`)),
    rates,
    outages: { db: outage(), broker: outage(), pos: outage(), answersConsumer: outage() },
    workerCrashes: faults(workers, 0.3, 10_000),
    workerPauses: faults(workers, 0.3, 30_000),
    gatewayCrashes: faults(gateways, 0.2, 10_000),
    posCannotVoid: false,
    calmAt: 0,
  };
  // Drawn last, so that the rest of a seed's schedule does not depend on it.
  scenario.posCannotVoid = !calm && random.chance(0.1);
  scenario.calmAt = calmAtOf(scenario);
  return scenario;
}

function orderOf(random: Random, wixOrderId: string): OrderPlan {
  const plan: OrderPlan = {
    wixOrderId,
    at: random.int(0, 3_000),
    duplicatesAfterMs: [],
    retryGapsMs: [],
  };
  const deliveries = random.int(1, 4);
  for (let i = 1; i < deliveries; i++) {
    if (random.chance(0.5)) plan.duplicatesAfterMs.push(random.int(0, 3_000));
    else plan.retryGapsMs.push(random.int(1_000, 5_000));
  }
  return plan;
}

function intervalOf(random: Random): Interval {
  const from = random.int(0, 15_000);
  return { from, to: from + random.int(500, 30_000) };
}

function calmAtOf(s: Scenario): number {
  const intervals = Object.values(s.outages).flat();
  const faults = [...s.workerCrashes, ...s.workerPauses, ...s.gatewayCrashes];
  return Math.max(0, ...intervals.map((i) => i.to), ...faults.map((f) => f.at + f.forMs));
}

/** The schedule in a few lines, for a replay's trace. */
export function summaryOf(s: Scenario): string {
  const seconds = (ms: number) => `${(ms / 1000).toFixed(3)} s`;
  const orders = s.orders.map(
    (o) =>
      `order ${o.wixOrderId} at ${seconds(o.at)}` +
      (o.duplicatesAfterMs.length ? `, duplicates +${o.duplicatesAfterMs.join(', +')} ms` : '') +
      (o.retryGapsMs.length ? `, retries after ${o.retryGapsMs.join(', ')} ms` : ''),
  );
  const rates = Object.entries(s.rates)
    .filter(([, rate]) => rate > 0)
    .map(([name, rate]) => `${name} ${(100 * rate).toFixed(1)}%`);
  const outages = Object.entries(s.outages).flatMap(([what, intervals]) =>
    intervals.map((i) => `${what} down ${seconds(i.from)}..${seconds(i.to)}`),
  );
  const faults = (what: string, list: ProcessFault[]) =>
    list.map((f) => `${what}${f.index} at ${seconds(f.at)} for ${f.forMs} ms`);
  return [
    `seed ${s.seed}: deadline ${s.deadlineMs} ms, database clock ${s.dbOffsetMs} ms off, ` +
      `${s.workers} workers, ${s.gateways} gateways`,
    ...orders,
    `faults: ${rates.join(', ') || 'none per call'}`,
    ...(s.posCannotVoid ? ['the integration cannot void orders'] : []),
    ...outages,
    ...faults('crash w', s.workerCrashes),
    ...faults('pause w', s.workerPauses),
    ...faults('crash g', s.gatewayCrashes),
  ].join('\n');
}
