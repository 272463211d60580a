import { OrderRecord } from '../../apps/pos-worker/src/lifecycle/order-lifecycle';
import { describe } from './ledger';
import { DeliveryRun } from './wix';
import { World } from './world';

/** Live orders no `value` answer was written for: the windows docs/order-protocol.md allows. */
export interface Windows {
  /** A decision for the order's id acknowledged too late (or never), its withdrawal lost. */
  lateDecision: number;
  /** The gateway died between recording a decision for the order's id and writing it. */
  gatewayDied: number;
  /** The integration cannot void: the order Wix heard failed stays, flagged, for a human. */
  cannotVoid: number;
}

export interface Verdict {
  violations: string[];
  windows: Windows;
  /**
   * Orders flagged in doubt though Wix was answered the id the POS holds: no violation, but a
   * human looks at an order that was right all along (its one answered decision's `written`
   * mark was lost with its gateway, say).
   */
  flaggedThoughHeard: number;
}

/** Answer-time allowance beyond the deadline: the HTTP and Kafka hops of the answer. */
const ANSWER_SLACK_MS = 500;

/** The invariant of docs/order-protocol.md, on each order once the world has settled. */
export function check(world: World): Verdict {
  const violations = [...world.sim.violations];
  const verdict: Verdict = {
    violations,
    windows: { lateDecision: 0, gatewayDied: 0, cannotVoid: 0 },
    flaggedThoughHeard: 0,
  };
  for (const { wixOrderId } of world.scenario.orders) {
    const fail = (rule: string) => violations.push(`${wixOrderId}: ${rule}`);
    checkOrder(world, wixOrderId, fail, verdict);
  }
  return verdict;
}

function checkOrder(
  world: World,
  wixOrderId: string,
  fail: (rule: string) => void,
  verdict: Verdict,
): void {
  const { windows } = verdict;
  const deliveries = world.wix.deliveries.filter((d) => d.wixOrderId === wixOrderId);
  for (const d of deliveries) checkAnswerTime(d, world.scenario.deadlineMs, fail);
  const record = world.ledger.records.get(wixOrderId)?.record;
  if (record && unsettled(record)) {
    fail(`not settled ${world.sim.now - world.healedAt} ms after the faults: ${describe(record)}`);
  }
  const answered = new Set(deliveries.flatMap((d) => valueOf(d.response)));
  const live = world.pos.live(wixOrderId).map((o) => o.id);
  const holds = `the POS holds [${live.join(', ')}]`;
  if (answered.size > 1) fail(`Wix was answered different ids: ${[...answered].join(', ')}`);
  if (answered.size > 0) {
    if (live.length !== 1 || !answered.has(live[0])) {
      fail(`Wix was answered ${[...answered].join(', ')}, ${holds}`);
    } else if (record?.inDoubt) {
      verdict.flaggedThoughHeard++;
    }
    return;
  }
  if (live.length === 0) return;
  if (live.length > 1) fail(`no value answer, and ${holds}`);
  if (!record?.inDoubt) {
    return fail(`no value answer, ${holds}, not in doubt: ${record ? describe(record) : '-'}`);
  }
  if (record.unvoidable) {
    windows.cannotVoid++;
    return;
  }
  // Only a decision naming the live order may keep it: one for an earlier id never does.
  const naming = deliveries.filter(
    (d) => d.decision?.appendedAt !== undefined && d.decision.posOrderId === live[0],
  );
  if (naming.some((d) => d.dropped)) windows.gatewayDied++;
  else if (naming.some((d) => !d.decision!.inTime)) windows.lateDecision++;
  else fail(`no value answer, ${holds}, in doubt, and no decision names it`);
}

function unsettled(record: OrderRecord): boolean {
  const { state } = record;
  return (
    state === 'submitting' ||
    state === 'accepted' ||
    state === 'voiding' ||
    (state === 'failed' && record.inDoubt && !record.unvoidable)
  );
}

function valueOf(response: DeliveryRun['response']): string[] {
  return response && 'value' in response ? [response.value.orderId] : [];
}

function checkAnswerTime(d: DeliveryRun, deadlineMs: number, fail: (rule: string) => void): void {
  if (d.answeredAt === undefined) return fail(`${d.correlationId} was never answered`);
  if (!d.dropped && d.answeredAt - d.at > deadlineMs + ANSWER_SLACK_MS) {
    fail(`${d.correlationId} was answered after ${d.answeredAt - d.at} ms`);
  }
}
