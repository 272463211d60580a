import { SpiErrorCode, SpiResponse, spiFailure } from '@wix-pos-gateway/contracts';
import {
  PosOutcome,
  onDelivery,
  onPosOutcome,
  onWaitedOut,
} from '../../apps/pos-worker/src/lifecycle/order-lifecycle';
import { Read, Stored, describe } from './ledger';
import { outcomeOf } from './pos';
import { Process } from './process';
import { OrderRequest, Services, voidAtPos } from './services';

/** The worker's margin between the POS call's deadline and the request's. */
const CALL_MARGIN_MS = 250;
/** How often a delivery reads again a record another attempt holds. */
const WAIT_MS = 50;

const ledgerDown = spiFailure(SpiErrorCode.EndpointDown, 'the order ledger is unavailable');

/** A POS worker: what it does with each delivery of an order request (docs/order-protocol.md). */
export class Worker {
  readonly process: Process;
  /** Requests delivered and not yet answered: a rebalance hands them to another worker. */
  readonly inFlight = new Set<OrderRequest>();

  constructor(
    private readonly s: Services,
    index: number,
  ) {
    this.process = new Process(s.sim, `w${index}`);
  }

  /** Works on a request the group handed to this worker (and added to `inFlight`). */
  deliver(request: OrderRequest, label: string): void {
    const { s, process: p } = this;
    const { sim, ledger } = s;
    const key = request.wixOrderId;
    const arrival = sim.now;
    const callDeadline = arrival + request.budgetMs - CALL_MARGIN_MS;
    const left = () => request.budgetMs - (sim.now - arrival);
    const traced = sim.trace;
    const trace = traced && ((what: string) => traced(p.name, `${label}: ${what}`));
    trace?.(`delivered, budget ${request.budgetMs} ms`);

    const reply = (response: SpiResponse) => {
      this.inFlight.delete(request);
      trace?.(`replies ${'value' in response ? response.value.orderId : response.error.code}`);
      s.reply(request, response);
    };

    let waiting = false;
    const judge = () => {
      const budgetMs = left();
      ledger.read(p, key, (read) => {
        if (read === 'error') return reply(ledgerDown);
        const { stored, now } = read;
        const step = onDelivery(stored?.record, { ...request, now, budgetMs }, sim.settings);
        const version = stored?.version ?? 0;
        if (step.kind === 'wait') {
          if (!waiting) trace?.(`waits: the record is ${stored!.record.state}`);
          waiting = true;
          if (left() <= WAIT_MS) return reply(onWaitedOut());
          return p.after(WAIT_MS, judge);
        }
        if (step.kind === 'reply' && !step.record) return reply(step.response);
        const at = sim.now;
        ledger.write(p, key, version, step.record!, (written) => {
          if (written === 'conflict') return judge();
          if (written === 'error') return reply(ledgerDown);
          if (step.kind === 'reply') return reply(step.response);
          submit({ stored: { record: step.record, version: version + 1 }, now, at });
        });
      });
    };

    // What the worker wrote: its first settle compares and sets against it without a read.
    const submit = (written: { stored: Stored; now: number; at: number }) => {
      const { record } = written.stored;
      let settled = false;
      trace?.(`calls the POS with ${record.idempotencyKey}`);
      const heard = (outcome: PosOutcome, late: boolean) => {
        if (settled) return;
        settled = true;
        trace?.(`hears ${outcomeOf(outcome)}${late ? ' (late)' : ''}`);
        const now = written.now + (sim.now - written.at);
        settleOn({ stored: written.stored, now }, record.attempt, outcome, late);
      };
      s.pos.create(p, record.idempotencyKey, key, (outcome) =>
        heard(outcome, sim.now > callDeadline),
      );
      p.after(callDeadline - sim.now, () => heard({ kind: 'abandoned' }, true));
    };

    const settle = (attempt: number, outcome: PosOutcome, late: boolean) => {
      ledger.read(p, key, (read) => {
        if (read === 'error') return reply(ledgerDown);
        settleOn(read, attempt, outcome, late);
      });
    };

    const settleOn = (read: Read, attempt: number, outcome: PosOutcome, late: boolean) => {
      const step = onPosOutcome(read.stored?.record, attempt, outcome, late, read.now);
      if (!step.record) return reply(step.response);
      const next = step.record;
      ledger.write(p, key, read.stored!.version, next, (written) => {
        if (written === 'conflict') return settle(attempt, outcome, late);
        if (written === 'error') return reply(ledgerDown);
        reply(step.response);
        if (step.cancel) {
          trace?.(`voids ${describe(next)}`);
          voidAtPos(s, p, key, next);
        }
      });
    };

    judge();
  }
}
