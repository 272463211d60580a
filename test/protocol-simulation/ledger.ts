import { OrderAnswer } from '@wix-pos-gateway/contracts';
import {
  OrderRecord,
  OrderState,
  RecordedAnswers,
} from '../../apps/pos-worker/src/lifecycle/order-lifecycle';
import type { Read, Stored } from '../../apps/pos-worker/src/ledger/order-ledger';
import { Process } from './process';
import { Sim } from './sim';

export type { Read, Stored };

export type Written = 'ok' | 'conflict' | 'error';

/** What the answers consumer copied for one delivery. */
interface Marks {
  posOrderId?: string;
  decided: boolean;
  written: boolean;
  withdrawn: boolean;
}

export interface SweptRow {
  key: string;
  stored: Stored;
  answers: RecordedAnswers;
}

const SWEPT = new Set<OrderState>(['submitting', 'accepted', 'voiding', 'failed', 'confirmed']);

/**
 * The order ledger (PostgreSQL): one record per order with a version, written by compare and
 * set; the answers consumer's copy of the answers topic and its committed offset. Calls take
 * a few milliseconds, may fail (applied or not) and fail throughout an outage.
 */
export class Ledger {
  readonly records = new Map<string, Stored>();
  private readonly marks = new Map<string, Map<string, Marks>>();
  committed = 0;

  constructor(private readonly sim: Sim) {}

  read(caller: Process, key: string, done: (read: Read | 'error') => void): void {
    this.call(caller, done, () => ({ stored: this.records.get(key), now: this.clock() }));
  }

  /** Inserts when `version` is 0, else compares and sets. */
  write(
    caller: Process,
    key: string,
    version: number,
    record: OrderRecord,
    done: (written: Written) => void,
  ): void {
    this.call(
      caller,
      done,
      () => {
        const current = this.records.get(key);
        if ((current?.version ?? 0) !== version) return 'conflict';
        if (current?.record.state === 'confirmed' && record.state !== 'confirmed') {
          this.sim.violation(`${key}: a confirmed record became ${record.state}`);
        }
        if (record.state === 'confirmed') this.sim.confirmedIds.add(record.posOrderId!);
        this.records.set(key, { record, version: version + 1 });
        this.sim.trace?.('db', `${key} v${version + 1} ${describe(record)}`);
        return 'ok' as const;
      },
      true,
    );
  }

  /** The database's clock, and the orders a sweep looks at. */
  scan(caller: Process, done: (scan: { now: number; keys: string[] } | 'error') => void): void {
    this.call(caller, done, () => {
      const keys = [...this.records].filter(([, s]) => SWEPT.has(s.record.state)).map(([k]) => k);
      return { now: this.clock(), keys };
    });
  }

  /** The consumer's committed offset, then the records and what was copied for them. */
  readSwept(
    caller: Process,
    keys: string[],
    done: (read: { committed: number; rows: SweptRow[] } | 'error') => void,
  ): void {
    this.call(caller, done, () => ({
      committed: this.committed,
      rows: keys.map((key) => {
        const stored = this.records.get(key)!;
        return { key, stored, answers: this.answersOf(key, stored.record) };
      }),
    }));
  }

  copyAnswers(caller: Process, answers: OrderAnswer[], done: (written: Written) => void): void {
    this.call(
      caller,
      done,
      () => {
        for (const a of answers) this.copy(a);
        return 'ok' as const;
      },
      true,
    );
  }

  commitAnswers(caller: Process, offset: number, done: (written: Written) => void): void {
    this.call(
      caller,
      done,
      () => {
        this.committed = Math.max(this.committed, offset);
        return 'ok' as const;
      },
      true,
    );
  }

  private copy({ kind, wixOrderId, correlationId, posOrderId }: OrderAnswer): void {
    let order = this.marks.get(wixOrderId);
    if (!order) this.marks.set(wixOrderId, (order = new Map<string, Marks>()));
    let marks = order.get(correlationId);
    if (!marks) {
      marks = { decided: false, written: false, withdrawn: false };
      order.set(correlationId, marks);
    }
    marks[kind] = true;
    if (kind === 'decided') marks.posOrderId = posOrderId;
  }

  private answersOf(key: string, record: OrderRecord): RecordedAnswers {
    const answers = { decided: 0, unwritten: 0, foreignIds: 0 };
    for (const m of this.marks.get(key)?.values() ?? []) {
      if (!m.decided || m.withdrawn) continue;
      answers.decided++;
      if (!m.written) answers.unwritten++;
      if (m.posOrderId !== record.posOrderId) answers.foreignIds++;
    }
    return answers;
  }

  private clock(): number {
    return this.sim.now + this.sim.scenario.dbOffsetMs;
  }

  private call<T>(
    caller: Process,
    done: (result: T | 'error') => void,
    apply: () => T,
    write = false,
  ): void {
    const { sim } = this;
    const reply = caller.resume(done);
    const outages = sim.scenario.outages.db;
    const fail = () => reply('error', sim.random.int(1, 2_000));
    if (sim.upAt(outages) !== sim.now) return fail();
    sim.clock.after(sim.random.int(1, 4), () => {
      if (sim.upAt(outages) !== sim.now) return fail();
      if (write && sim.roll('dbWriteFails')) return reply('error', sim.random.int(1, 4));
      const result = apply();
      const lost = write && result !== 'conflict' && sim.roll('dbAckLost');
      const slow = sim.roll('dbSlow') ? sim.random.int(100, 1_500) : 0;
      reply(lost ? 'error' : result, sim.random.int(1, 4) + slow);
    });
  }
}

export function describe(r: OrderRecord): string {
  const id = r.posOrderId ? ` ${r.posOrderId}` : '';
  const doubt = r.inDoubt ? ' inDoubt' : '';
  return `${r.state} #${r.attempt}${id} key=${r.idempotencyKey} answerBy=${r.answerBy}${doubt}`;
}
