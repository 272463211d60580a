import { SpiErrorCode } from '@wix-pos-gateway/contracts';
import { PosOutcome } from '../../apps/pos-worker/src/lifecycle/order-lifecycle';
import { Process } from './process';
import { Sim } from './sim';

export interface PosOrder {
  id: string;
  wixOrderId: string;
  key: string;
  live: boolean;
}

/** How long a worker waits for a void (the real one's CANCEL_BUDGET_MS). */
export const CANCEL_BUDGET_MS = 5_000;

/**
 * The POS: orders by idempotency key. A void leaves a tombstone on its key, so a create that
 * arrives after it is refused. Requests may arrive late, answers may be lost.
 */
export class Pos {
  readonly orders: PosOrder[] = [];
  private readonly byKey = new Map<string, PosOrder>();
  private readonly tombstones = new Set<string>();
  /** Calls still on their way to the POS. */
  inFlight = 0;

  constructor(private readonly sim: Sim) {}

  live(wixOrderId: string): PosOrder[] {
    return this.orders.filter((o) => o.live && o.wixOrderId === wixOrderId);
  }

  /** `answer` is called with what the worker hears, if anything. */
  create(caller: Process, key: string, wixOrderId: string, answer: (o: PosOutcome) => void): void {
    const { sim } = this;
    const reply = caller.resume(answer);
    this.inFlight++;
    const slow = sim.roll('posSlow');
    sim.clock.after(slow ? sim.random.int(500, 20_000) : sim.random.int(5, 300), () => {
      this.inFlight--;
      const outcome = this.take(key, wixOrderId);
      sim.trace?.('pos', `create ${key}: ${outcomeOf(outcome)}`);
      if (!sim.roll('posAnswerLost')) reply(outcome, sim.random.int(5, 300));
    });
  }

  cancel(caller: Process, key: string, done: (voided: boolean) => void): void {
    const { sim } = this;
    let answered = false;
    const reply = caller.resume((voided: boolean) => {
      if (answered) return;
      answered = true;
      done(voided);
    });
    reply(false, CANCEL_BUDGET_MS);
    this.inFlight++;
    const slow = sim.roll('cancelSlow');
    sim.clock.after(
      slow ? sim.random.int(CANCEL_BUDGET_MS, 15_000) : sim.random.int(5, 300),
      () => {
        this.inFlight--;
        if (this.down() || sim.roll('cancelFails')) {
          sim.trace?.('pos', `cancel ${key}: failed`);
          return reply(false, sim.random.int(5, 300));
        }
        this.tombstones.add(key);
        const order = this.byKey.get(key);
        if (order?.live) {
          order.live = false;
          if (this.sim.confirmedIds.has(order.id)) {
            sim.violation(
              `${order.wixOrderId}: the POS voided ${order.id}, which the ledger confirmed`,
            );
          }
        }
        sim.trace?.('pos', `cancel ${key}: done${order ? ` (${order.id} voided)` : ''}`);
        if (!sim.roll('cancelAnswerLost')) reply(true, sim.random.int(5, 300));
      },
    );
  }

  private take(key: string, wixOrderId: string): PosOutcome {
    const { sim } = this;
    const failed = (retryable: boolean, mayExist: boolean, description: string): PosOutcome => ({
      kind: 'failed',
      failure: { code: retryable ? SpiErrorCode.EndpointDown : SpiErrorCode.PosError, description },
      retryable,
      mayExist,
    });
    if (this.down()) return failed(true, false, 'the POS is down');
    if (this.tombstones.has(key)) return failed(true, false, 'the order was voided');
    const existing = this.byKey.get(key);
    if (existing) return { kind: 'accepted', posOrderId: existing.id };
    if (sim.roll('posFailsRetryably')) return failed(true, false, 'the POS is busy');
    if (sim.roll('posFailsForGood')) return failed(false, false, 'the POS refused the order');
    const order = { id: `pos-${this.orders.length + 1}`, wixOrderId, key, live: true };
    this.orders.push(order);
    this.byKey.set(key, order);
    if (sim.roll('posFailsAfterCreate'))
      return failed(true, true, 'the POS failed after taking it');
    return { kind: 'accepted', posOrderId: order.id };
  }

  private down(): boolean {
    return this.sim.upAt(this.sim.scenario.outages.pos) !== this.sim.now;
  }
}

export function outcomeOf(o: PosOutcome): string {
  if (o.kind === 'accepted') return `accepted ${o.posOrderId}`;
  if (o.kind === 'abandoned') return 'abandoned';
  return `failed (${o.retryable ? 'retryable' : 'final'}${o.mayExist ? ', may exist' : ''}) ${o.failure.description}`;
}
