import { SpiResponse } from '@wix-pos-gateway/contracts';
import { OrderPlan } from './scenario';
import { Sim } from './sim';

/** What a gateway did with a `value` reply it heard in time. */
export interface Decision {
  posOrderId: string;
  /** When `decided` reached the answers log, if it did. */
  appendedAt?: number;
  /** Acknowledged before the deadline: the gateway went on to write the `value` response. */
  inTime: boolean;
  withdrawnAt?: number;
}

/** One webhook call of Wix to a gateway, and what Wix got back. */
export interface DeliveryRun {
  wixOrderId: string;
  correlationId: string;
  gateway: number;
  at: number;
  answeredAt?: number;
  /** What Wix read; a `value` only if the gateway wrote it. */
  response?: SpiResponse;
  /** Wix heard nothing: the gateway died with the call, or was down. */
  dropped: boolean;
  decision?: Decision;
  /** Wix's next retry of the order waits for this delivery's answer. */
  chained: boolean;
}

export interface Receiver {
  receive(delivery: DeliveryRun): void;
}

/** Wix: sends each order's deliveries, and retries after an answer that is not `value`. */
export class Wix {
  readonly deliveries: DeliveryRun[] = [];
  /** Deliveries planned and not yet answered (or dropped). */
  pending = 0;
  private readonly retries = new Map<string, number[]>();

  constructor(
    private readonly sim: Sim,
    private readonly gateways: Receiver[],
  ) {}

  plan(order: OrderPlan): void {
    const { sim } = this;
    this.pending += 1 + order.duplicatesAfterMs.length + order.retryGapsMs.length;
    this.retries.set(order.wixOrderId, [...order.retryGapsMs]);
    const first = sim.random.int(0, this.gateways.length - 1);
    sim.clock.at(order.at, () => this.send(order.wixOrderId, first, true));
    for (const afterMs of order.duplicatesAfterMs) {
      const other = (first + 1) % this.gateways.length;
      sim.clock.at(order.at + afterMs, () => this.send(order.wixOrderId, other, false));
    }
  }

  /** The gateway answered, or dropped the call. */
  finished(d: DeliveryRun): void {
    this.pending--;
    if (!d.chained) return;
    const gaps = this.retries.get(d.wixOrderId)!;
    const gap = gaps.shift();
    if (gap === undefined) return;
    if (d.response && 'value' in d.response) {
      this.pending -= gaps.length + 1;
      gaps.length = 0;
      return;
    }
    const gateway = this.sim.random.int(0, this.gateways.length - 1);
    this.sim.clock.after(gap, () => this.send(d.wixOrderId, gateway, true));
  }

  private send(wixOrderId: string, gateway: number, chained: boolean): void {
    const n = this.deliveries.length + 1;
    const delivery: DeliveryRun = {
      wixOrderId,
      correlationId: `c${n}`,
      gateway,
      at: this.sim.now,
      dropped: false,
      chained,
    };
    this.deliveries.push(delivery);
    this.sim.trace?.('wix', `${delivery.correlationId}: order ${wixOrderId} to g${gateway}`);
    this.gateways[gateway].receive(delivery);
  }
}
