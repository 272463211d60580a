import { OrderAnswer } from '@wix-pos-gateway/contracts';
import { Change, OrderDetails, Read, Stored, Unsettled, Written } from '../../ledger/order-ledger';
import { OrderRecord, RecordedAnswers } from '../../lifecycle/order-lifecycle';

interface Row extends Stored {
  details: OrderDetails;
}

/**
 * The order ledger in memory, with the same compare-and-set semantics and a clock the test
 * moves: for unit tests of the services around the lifecycle. End-to-end tests use PostgreSQL.
 */
export class FakeLedger {
  readonly rows = new Map<string, Row>();
  readonly answers = new Map<string, Array<OrderAnswer>>();
  now = 1_000_000;
  /** Fails the next write with this error, once (a broken connection). */
  failNextWrite?: Error;

  read(_brand: string, wixOrderId: string): Promise<Read> {
    const row = this.rows.get(wixOrderId);
    const stored = row && { record: { ...row.record }, version: row.version };
    return Promise.resolve({ stored, now: this.now });
  }

  insert(
    details: OrderDetails,
    record: OrderRecord,
    budgetMs: number,
  ): Promise<Written | undefined> {
    this.failWrite();
    if (this.rows.has(details.wixOrderId)) return Promise.resolve(undefined);
    const answerBy = this.now + Math.max(0, budgetMs);
    const stored = { version: 0, record: { ...record, answerBy, changedAt: this.now } };
    this.rows.set(details.wixOrderId, { details, ...stored });
    return Promise.resolve({ stored, now: this.now, at: performance.now() });
  }

  async replace(brand: string, wixOrderId: string, stored: Stored, next: OrderRecord) {
    return (await this.replaceAll(brand, [{ wixOrderId, stored, next }])).has(wixOrderId);
  }

  replaceAll(_brand: string, changes: Change[]): Promise<Set<string>> {
    this.failWrite();
    const written = new Set<string>();
    for (const { wixOrderId, stored, next } of changes) {
      const row = this.rows.get(wixOrderId);
      if (!row || row.version !== stored.version) continue;
      this.rows.set(wixOrderId, { ...row, record: { ...next }, version: row.version + 1 });
      written.add(wixOrderId);
    }
    return Promise.resolve(written);
  }

  unsettled(_brand: string, settleMs: number) {
    const orders: Unsettled[] = [];
    for (const [wixOrderId, row] of this.rows) {
      const { state, answerBy, changedAt, inDoubt, unvoidable } = row.record;
      const due = ['submitting', 'accepted'].includes(state)
        ? answerBy < this.now - settleMs
        : (state === 'voiding' || (state === 'failed' && inDoubt && !unvoidable)) &&
          changedAt < this.now - settleMs;
      if (due) {
        orders.push({ ...row, wixOrderId, restaurantId: row.details.restaurantId });
      }
    }
    return Promise.resolve({ now: this.now, orders });
  }

  confirmed(_brand: string, which: { wixOrderIds: string[] } | { flaggedWithinMs: number }) {
    const ids =
      'wixOrderIds' in which
        ? which.wixOrderIds
        : [...this.rows]
            .filter(([, row]) => row.record.inDoubt)
            .filter(([, row]) => row.record.changedAt > this.now - which.flaggedWithinMs)
            .map(([id]) => id);
    const orders = ids.flatMap((wixOrderId) => {
      const row = this.rows.get(wixOrderId);
      if (row?.record.state !== 'confirmed') return [];
      return [{ record: { ...row.record }, version: row.version, wixOrderId }];
    });
    return Promise.resolve({ now: this.now, orders });
  }

  recordAnswers(_brand: string, answers: OrderAnswer[]): Promise<void> {
    for (const answer of answers) {
      this.answers.set(answer.wixOrderId, [...(this.answers.get(answer.wixOrderId) ?? []), answer]);
    }
    return Promise.resolve();
  }

  answersOfAll(_brand: string, orders: Array<{ wixOrderId: string; posOrderId?: string }>) {
    const result = new Map<string, RecordedAnswers>();
    for (const { wixOrderId, posOrderId } of orders) {
      const all = this.answers.get(wixOrderId) ?? [];
      const live = all.filter(
        (a) =>
          a.kind === 'decided' &&
          !all.some((w) => w.kind === 'withdrawn' && w.correlationId === a.correlationId),
      );
      const written = (a: OrderAnswer) =>
        all.some((w) => w.kind === 'written' && w.correlationId === a.correlationId);
      result.set(wixOrderId, {
        decided: live.length,
        unwritten: live.filter((a) => !written(a)).length,
        foreignIds: live.filter((a) => a.posOrderId !== posOrderId).length,
      });
    }
    return Promise.resolve(result);
  }

  holdSweep(): Promise<boolean> {
    return Promise.resolve(true);
  }

  releaseSweep(): Promise<void> {
    return Promise.resolve();
  }

  countInDoubt(): Promise<number> {
    return Promise.resolve([...this.rows.values()].filter((r) => r.record.inDoubt).length);
  }

  ping(): Promise<void> {
    return Promise.resolve();
  }

  private failWrite(): void {
    const error = this.failNextWrite;
    this.failNextWrite = undefined;
    if (error) throw error;
  }
}
