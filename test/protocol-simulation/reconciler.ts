import { onSweep } from '../../apps/pos-worker/src/lifecycle/order-lifecycle';
import { SweptRow } from './ledger';
import { Process } from './process';
import { Services, voidAtPos } from './services';

export const SWEEP_EVERY_MS = 2_000;

interface Proof {
  now: number;
  endOffset: number;
}

/**
 * The reconciler: every ~2 s, on some worker, reads the database's clock, then the answers
 * topic's end, and judges each unsettled order with `onSweep`, proven once the answers
 * consumer has committed past that end.
 */
export class Reconciler {
  constructor(
    private readonly s: Services,
    private readonly hosts: Process[],
  ) {}

  start(): void {
    this.s.sim.clock.after(this.s.sim.random.int(0, SWEEP_EVERY_MS), () => this.tick());
  }

  private tick(): void {
    const { sim } = this.s;
    if (sim.stopped) return;
    const host = sim.random.pick(this.hosts);
    if (host.up) host.after(0, () => this.sweep(host));
    sim.clock.after(SWEEP_EVERY_MS + sim.random.int(-200, 200), () => this.tick());
  }

  private sweep(host: Process): void {
    const { ledger, broker } = this.s;
    ledger.scan(host, (scan) => {
      if (scan === 'error' || scan.keys.length === 0) return;
      broker.endOffset(host, (endOffset) => {
        if (endOffset === 'error') return;
        const proof = { now: scan.now, endOffset };
        ledger.readSwept(host, scan.keys, (read) => {
          if (read === 'error') return;
          for (const row of read.rows) this.judge(host, proof, read.committed, row);
        });
      });
    });
  }

  private judge(host: Process, proof: Proof, committed: number, row: SweptRow): void {
    const { sim, ledger } = this.s;
    const proven = committed >= proof.endOffset;
    const step = onSweep(
      row.stored.record,
      { now: proof.now, proven, answers: row.answers },
      sim.settings,
    );
    if (!step) return;
    ledger.write(host, row.key, row.stored.version, step.record, (written) => {
      if (written === 'conflict') {
        return ledger.readSwept(host, [row.key], (read) => {
          if (read !== 'error') this.judge(host, proof, read.committed, read.rows[0]);
        });
      }
      if (written === 'ok' && step.cancel) voidAtPos(this.s, host, row.key, step.record);
    });
  }
}
