import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import { Pool } from 'pg';
import { SpiErrorCode } from '@wix-pos-gateway/contracts';
import { OrderDetails, OrderLedger, Written } from '../apps/pos-worker/src/ledger/order-ledger';
import { migrate } from '../apps/pos-worker/src/ledger/migrate';
import { OrderRecord, idempotencyKeyOf } from '../apps/pos-worker/src/lifecycle/order-lifecycle';
import { required } from './support/processes';

/**
 * The ledger on a real PostgreSQL: the writes of one turn of the event loop go in one
 * statement, and each still behaves as if it were alone (insert only if new, compare and set).
 */
describe('the order ledger, writes of one turn in one statement', () => {
  const brand = `ledger-${randomUUID().slice(0, 8)}`;
  let pool: Pool;
  let ledger: OrderLedger;
  let statements: string[];

  before(async () => {
    pool = new Pool({ connectionString: required('DATABASE_URL'), max: 4 });
    await migrate(pool, () => undefined);
    const query = pool.query.bind(pool) as (...args: unknown[]) => unknown;
    statements = [];
    (pool as unknown as { query: unknown }).query = (...args: unknown[]) => {
      const config = args[0] as { name?: string } | string;
      statements.push(typeof config === 'string' ? config : (config.name ?? 'unnamed'));
      return query(...args);
    };
    ledger = new OrderLedger(pool);
  });
  after(() => pool.end());

  const details = (wixOrderId: string, lines: unknown[] = []): OrderDetails => ({
    brand,
    wixOrderId,
    restaurantId: 'r-1',
    lines: lines as OrderDetails['lines'],
    receivedAt: new Date(),
  });
  const first = (wixOrderId: string): OrderRecord => ({
    state: 'submitting',
    attempt: 1,
    idempotencyKey: idempotencyKeyOf(brand, wixOrderId),
    answerBy: 0,
    changedAt: 0,
    inDoubt: false,
  });
  const insert = (wixOrderId: string, lines?: unknown[]) =>
    ledger.insert(details(wixOrderId, lines), first(wixOrderId), 5_000);

  it('inserts the new orders of one turn in one statement, each once', async () => {
    const ids = Array.from({ length: 20 }, () => randomUUID());
    statements.length = 0;
    const written = await Promise.all([...ids, ids[3]].map((id) => insert(id)));
    assert.deepEqual(statements, ['order_ledger.insert_all', 'order_ledger.insert_all']);
    assert.equal(written.filter(Boolean).length, 20, 'the second delivery of one order found it');
    assert.equal(written[20], undefined);
    for (const [i, id] of ids.entries()) {
      const { stored } = await ledger.read(brand, id);
      const { record, version } = written[i]!.stored;
      assert.equal(stored?.version, version);
      assert.equal(stored?.record.state, 'submitting');
      assert.equal(stored?.record.answerBy, record.answerBy);
      assert.equal(stored?.record.idempotencyKey, idempotencyKeyOf(brand, id));
      assert.ok(written[i]!.stored.record.answerBy - written[i]!.now > 4_900);
    }
  });

  it('sets by compare and set in one statement, and only one of two writers of a record wins', async () => {
    const ids = Array.from({ length: 10 }, () => randomUUID());
    const written = (await Promise.all(ids.map((id) => insert(id)))) as Written[];
    const accepted = (w: Written, posOrderId: string): OrderRecord => ({
      ...w.stored.record,
      state: 'accepted',
      posOrderId,
    });
    statements.length = 0;
    const results = await Promise.all([
      ...ids.map((id, i) => ledger.replace(brand, id, written[i].stored, accepted(written[i], id))),
      ledger.replace(brand, ids[0], written[0].stored, accepted(written[0], 'other')),
      ledger.replace(brand, ids[1], { ...written[1].stored, version: 99 }, first(ids[1])),
    ]);
    // The second writer of ids[0] runs in the next statement, which may start before the
    // first ends: one of the two wins, whichever locks the row first.
    assert.equal(results.slice(1, 10).filter(Boolean).length, 9);
    assert.equal(Number(results[0]) + Number(results[10]), 1, 'one writer of ids[0] won');
    assert.equal(results[11], false, 'a stale version never wins');
    assert.deepEqual(statements, ['order_ledger.replace_all', 'order_ledger.replace_all']);
    const { stored } = await ledger.read(brand, ids[0]);
    assert.equal(stored?.record.posOrderId, results[0] ? ids[0] : 'other');
    assert.equal(stored?.version, written[0].stored.version + 1);
  });

  it('fails only the order PostgreSQL refuses, and writes the others of its turn', async () => {
    const good = [randomUUID(), randomUUID()];
    const bad = randomUUID();
    // jsonb takes no NUL character: the statement of the whole turn fails on this one row.
    const results = await Promise.allSettled([
      insert(good[0]),
      insert(bad, [{ itemId: 'a\u0000b' }]),
      insert(good[1]),
    ]);
    assert.equal(results[0].status, 'fulfilled');
    assert.equal(results[1].status, 'rejected');
    assert.equal(results[2].status, 'fulfilled');
    for (const id of good) assert.ok((await ledger.read(brand, id)).stored);
    assert.equal((await ledger.read(brand, bad)).stored, undefined);
  });

  it('answers each writer by its own row, even for ids the database cannot tell apart', async () => {
    // A lone UTF-16 surrogate reaches the database as U+FFFD: these two ids are one order there.
    const base = randomUUID();
    const [a, b] = [`${base}\ud800`, `${base}\udbff`];
    const written = await Promise.all([insert(a), insert(b), insert(randomUUID())]);
    assert.equal(written.filter(Boolean).length, 2, 'one of the two is inserted, and the third');
    const [id, first] = written[0] ? [a, written[0]] : [b, written[1]!];
    const accepted = { ...first.stored.record, state: 'accepted' as const, posOrderId: '7' };
    assert.equal(await ledger.replace(brand, id, first.stored, accepted), true);
    assert.equal((await ledger.read(brand, b)).stored?.record.posOrderId, '7');
  });

  it('gives the sweep what is due longest, leaving out what only a human can settle', async () => {
    const own = `${brand}-sweep`;
    const ids = { human1: 'h1', human2: 'h2', voidFailed: 'v', abandoned: 's' };
    const written = new Map<string, Written>();
    for (const id of Object.values(ids)) {
      const record = { ...first(id), idempotencyKey: idempotencyKeyOf(own, id) };
      written.set(id, (await ledger.insert({ ...details(id), brand: own }, record, 0))!);
    }
    const { now } = await ledger.read(own, ids.abandoned);
    const set = async (id: string, change: Partial<OrderRecord>) => {
      const { stored } = written.get(id)!;
      assert.ok(await ledger.replace(own, id, stored, { ...stored.record, ...change }));
    };
    const failure = { code: SpiErrorCode.EndpointDown, description: 'x' };
    const inDoubt = { state: 'failed' as const, failure, inDoubt: true };
    // Oldest of all, and no void can settle them: they used to fill every sweep.
    for (const id of [ids.human1, ids.human2]) {
      await set(id, {
        ...inDoubt,
        unvoidable: true,
        answerBy: now - 200_000,
        changedAt: now - 200_000,
      });
    }
    // A void that failed a second ago is due again later than an attempt abandoned 30 s ago.
    await set(ids.voidFailed, { ...inDoubt, answerBy: now - 120_000, changedAt: now - 1_000 });
    await set(ids.abandoned, { answerBy: now - 30_000, changedAt: now - 30_000 });
    const { orders } = await ledger.unsettled(own, 0, 2);
    assert.deepEqual(
      orders.map((o) => o.wixOrderId),
      [ids.abandoned, ids.voidFailed],
    );
  });

  it("counts each order's standing decisions, those with no written mark, and foreign ones", async () => {
    const own = `${brand}-answers`;
    const decided = (wixOrderId: string, correlationId: string, posOrderId: string) => ({
      kind: 'decided' as const,
      wixOrderId,
      correlationId,
      posOrderId,
    });
    const mark = (kind: 'written' | 'withdrawn', wixOrderId: string, correlationId: string) => ({
      kind,
      wixOrderId,
      correlationId,
    });
    await ledger.recordAnswers(own, [
      // A gateway died deciding; a retry was answered the same id by another.
      decided('retried', 'dead', '1'),
      decided('retried', 'retry', '1'),
      mark('written', 'retried', 'retry'),
      // Written with an earlier id; the record's own decision unwritten.
      decided('earlier', 'first', '1'),
      mark('written', 'earlier', 'first'),
      decided('earlier', 'second', '2'),
      // Written, then withdrawn: it no longer stands.
      decided('withdrawn', 'c', '1'),
      mark('written', 'withdrawn', 'c'),
      mark('withdrawn', 'withdrawn', 'c'),
    ]);
    const answers = await ledger.answersOfAll(own, [
      { wixOrderId: 'retried', posOrderId: '1' },
      { wixOrderId: 'earlier', posOrderId: '2' },
      { wixOrderId: 'withdrawn', posOrderId: '1' },
      { wixOrderId: 'none', posOrderId: '1' },
    ]);
    assert.deepEqual(Object.fromEntries(answers), {
      retried: { decided: 2, unwritten: 1, foreignIds: 0 },
      earlier: { decided: 2, unwritten: 1, foreignIds: 1 },
      withdrawn: { decided: 0, unwritten: 0, foreignIds: 0 },
    });
  });
});
