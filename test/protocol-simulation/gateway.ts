import { OrderAnswer, SpiResponse } from '@wix-pos-gateway/contracts';
import { onDecision, onReply, onTimeout } from '../../apps/gateway/src/orders/answer-rules';
import { Broker, Produced } from './broker';
import { Process } from './process';
import { OrderRequest } from './services';
import { Sim } from './sim';
import { Decision, DeliveryRun } from './wix';

export const BRAND = 'acme';

interface Call {
  delivery: DeliveryRun;
  deadline: number;
  phase: 'waiting' | 'deciding' | 'done';
}

/**
 * A gateway: sends each webhook call to the workers, waits for the first reply until its
 * deadline, and records a `value` decision on the answers topic before answering it. It keeps
 * nothing once a call is answered, and nothing at all across a crash.
 */
export class Gateway {
  readonly process: Process;
  private readonly calls = new Map<string, Call>();

  constructor(
    private readonly sim: Sim,
    private readonly index: number,
    private readonly broker: Broker,
    private readonly send: (request: OrderRequest) => void,
    private readonly finished: (delivery: DeliveryRun) => void,
  ) {
    this.process = new Process(sim, `g${index}`);
  }

  receive(delivery: DeliveryRun): void {
    const { sim, process: p } = this;
    if (!p.up) return this.drop(delivery);
    const deadlineMs = sim.scenario.deadlineMs;
    const call: Call = { delivery, deadline: sim.now + deadlineMs, phase: 'waiting' };
    this.calls.set(delivery.correlationId, call);
    const elapsed = sim.random.int(0, 30);
    p.after(elapsed, () => {
      const { wixOrderId, correlationId } = delivery;
      const budgetMs = deadlineMs - elapsed;
      this.send({ brand: BRAND, wixOrderId, correlationId, gateway: this.index, budgetMs });
    });
    p.after(deadlineMs, () => {
      if (call.phase === 'waiting') this.answer(call, onTimeout(BRAND, deadlineMs));
      else if (call.phase === 'deciding') this.decide(call, false);
    });
  }

  /** A worker's reply, as the reply topic hands it over. */
  reply(correlationId: string, response: SpiResponse): void {
    const call = this.calls.get(correlationId);
    if (!this.process.up || call?.phase !== 'waiting') return;
    const step = onReply(response);
    if (step.kind === 'answer') return this.answer(call, step.response);
    const { sim } = this;
    call.phase = 'deciding';
    const decision: Decision = { posOrderId: step.posOrderId, inTime: false };
    call.delivery.decision = decision;
    this.produce(call, 'decided', {
      lost: sim.roll('decisionLost'),
      appended: (at: number) => (decision.appendedAt ??= at),
      acked: this.process.resume(() => {
        if (call.phase === 'deciding') this.decide(call, true);
      }),
      ackLost: sim.roll('decisionAckLost'),
      appendSlowMs: sim.roll('decisionSlow') ? sim.random.int(0, 15_000) : 0,
      ackSlowMs: sim.roll('decisionAckSlow') ? sim.random.int(0, 5_000) : 0,
    });
  }

  crash(forMs: number): void {
    this.process.crash(forMs);
    for (const call of this.calls.values()) this.drop(call.delivery);
    this.calls.clear();
  }

  private decide(call: Call, acknowledged: boolean): void {
    const { sim } = this;
    const decision = call.delivery.decision!;
    const beforeDeadline = sim.now < call.deadline;
    const { deadlineMs } = sim.scenario;
    const { response, withdraw } = onDecision(
      acknowledged,
      beforeDeadline,
      decision.posOrderId,
      deadlineMs,
    );
    if (withdraw) {
      this.produce(call, 'withdrawn', {
        lost: sim.roll('markLost'),
        appended: (at) => (decision.withdrawnAt ??= at),
      });
      return this.answer(call, response);
    }
    decision.inTime = true;
    call.phase = 'done';
    if (sim.roll('gatewayCrashBeforeWrite')) return this.crash(sim.random.int(500, 5_000));
    // Writing the response takes a moment: a crash meanwhile means Wix never reads it.
    this.process.after(sim.random.int(0, 2), () => {
      this.answer(call, response);
      this.produce(call, 'written', { lost: sim.roll('markLost') });
    });
  }

  private answer(call: Call, response: SpiResponse): void {
    const { delivery } = call;
    call.phase = 'done';
    this.calls.delete(delivery.correlationId);
    delivery.answeredAt = this.sim.now;
    delivery.response = response;
    this.sim.trace?.(this.process.name, `${delivery.correlationId}: answers ${text(response)}`);
    this.finished(delivery);
  }

  private drop(delivery: DeliveryRun): void {
    delivery.dropped = true;
    delivery.answeredAt = this.sim.now;
    this.sim.trace?.(this.process.name, `${delivery.correlationId}: dropped`);
    this.finished(delivery);
  }

  private produce(call: Call, kind: OrderAnswer['kind'], produced: Produced): void {
    const { wixOrderId, correlationId, decision } = call.delivery;
    const posOrderId = kind === 'decided' ? decision!.posOrderId : undefined;
    const answer = { kind, wixOrderId, correlationId, posOrderId };
    this.broker.produce(this.process.name, answer, produced);
  }
}

export function text(response: SpiResponse): string {
  return 'value' in response ? `value ${response.value.orderId}` : response.error.code;
}
