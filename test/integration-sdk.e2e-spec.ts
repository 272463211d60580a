import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { JournalEntry, readJournal } from './fixtures/integrations/journal-pos';
import { postOrder } from './support/http';
import { ledgerRows, sql } from './support/ledger';
import { Json, item, orderOf, uniqueBrand } from './support/orders';
import { AppProcess, startGateway, startWorker, stopAll } from './support/processes';

const DEADLINE_MS = 3_000;

describe('the worker core around a POS integration loaded from a module path', () => {
  const brand = uniqueBrand('sdk');
  const journalFile = join(mkdtempSync(join(tmpdir(), 'journal-pos-')), 'calls.jsonl');
  const menu = [
    item('burger', 'PLU-1', [['cheese']]),
    item('cheese', 'MOD-1'),
    item('ask-pos-fries'),
  ];
  let gateway: AppProcess;
  let worker: AppProcess;

  const order = (comment = '', lines: Json[] = [{ itemId: 'burger' }]) => {
    const body = orderOf(menu, lines);
    body.order.comment = comment;
    return body;
  };
  const post = (body: unknown) => postOrder(gateway.url, brand, body);
  const calls = (wixOrderId: string, call: JournalEntry['call'] = 'submit') =>
    readJournal(journalFile).filter((e) => e.call === call && e.wixOrderId === wixOrderId);

  before(async () => {
    worker = await startWorker(brand, {
      POS_INTEGRATION: resolve(__dirname, 'fixtures/integrations/journal-pos.js'),
      JOURNAL_FILE: journalFile,
    });
    gateway = await startGateway({ ORDER_DEADLINE_MS: String(DEADLINE_MS) });
  });
  after(stopAll);

  it('calls the integration once per Wix order, however often it arrives, with a stable idempotency key', async () => {
    const body = order();
    const answers = [await post(body), await post(body)];
    answers.push(...(await Promise.all(Array.from({ length: 5 }, () => post(body)))));
    assert.deepEqual(new Set(answers.map((a) => a.body.value?.orderId)), new Set(['J-PLU-1']));
    assert.deepEqual(calls(body.order.id), [
      {
        call: 'submit',
        wixOrderId: body.order.id,
        idempotencyKey: `wix:${brand}:${body.order.id}`,
        attempt: 1,
      },
    ]);
  });

  it('calls again only after a retryable failure, with the same key', async () => {
    for (const [script, firstCode] of [
      ['unavailable-once', 'endpoint_down'],
      ['throw-once', 'pos_error'],
    ]) {
      const body = order(script);
      assert.equal((await post(body)).body.error?.code, firstCode);
      assert.equal((await post(body)).body.value?.orderId, 'J-PLU-1');
      assert.equal((await post(body)).body.value?.orderId, 'J-PLU-1');
      const submits = calls(body.order.id);
      assert.deepEqual(
        submits.map((c) => c.attempt),
        [1, 2],
      );
      assert.equal(new Set(submits.map((c) => c.idempotencyKey)).size, 1);
    }
  });

  it('answers a final failure again without calling the integration', async () => {
    for (const [script, code] of [
      ['decline', 'cc_rejected'],
      ['unknown', 'invalid_item_mapping'],
    ]) {
      const body = order(script);
      const answers = [await post(body), await post(body)];
      assert.deepEqual(
        answers.map((a) => a.body.error?.code),
        [code, code],
      );
      assert.equal(answers[0].body.error?.description, answers[1].body.error?.description);
      assert.equal(calls(body.order.id).length, 1);
    }
  });

  it('abandons an integration that ignores its deadline, answers in time and voids the order', async () => {
    const body = order(`ignore-deadline-once:${DEADLINE_MS + 1_500}`);
    const answer = await post(body);
    assert.equal(answer.body.error?.code, 'endpoint_down', JSON.stringify(answer.body));
    assert.ok(answer.ms < DEADLINE_MS + 500, `answered after ${answer.ms} ms`);
    for (let i = 0; i < 50 && calls(body.order.id, 'cancel').length === 0; i++) await sleep(100);
    const key = `wix:${brand}:${body.order.id}`;
    assert.deepEqual(
      calls(body.order.id, 'cancel').map((c) => c.idempotencyKey),
      [key],
    );
    const [voided] = await ledgerRows(brand, ['voided']).then((rows) =>
      rows.filter((row) => row.wix_order_id === body.order.id),
    );
    assert.equal(voided?.idempotency_key, key);

    // The POS may keep the voided order under its key: a new order needs a new one.
    assert.equal((await post(body)).body.value?.orderId, 'J-PLU-1');
    assert.deepEqual(
      calls(body.order.id).map((c) => c.idempotencyKey),
      [key, `wix2:${brand}:${body.order.id}`],
    );
  });

  it('asks the POS to map items that neither the table nor the menu map', async () => {
    const fries = order('', [{ itemId: 'burger' }, { itemId: 'ask-pos-fries' }]);
    assert.equal((await post(fries)).body.value?.orderId, 'J-PLU-1+SKU-fries');
    const unknown = order('', [{ itemId: 'ask-pos-fries' }, { itemId: 'nobody-knows' }]);
    const answer = await post(unknown);
    assert.equal(answer.body.error?.code, 'invalid_item_mapping');
    assert.match(answer.body.error?.description ?? '', /nobody-knows is not in the menu/);
    assert.doesNotMatch(answer.body.error?.description ?? '', /ask-pos-fries/);
    const resolved = readJournal(journalFile).filter((e) => e.call === 'resolve');
    assert.deepEqual(resolved.at(-1)?.items, ['ask-pos-fries']);
  });

  it('reports itself not ready while the integration says the POS is down', async () => {
    const ready = async () => {
      const res = await fetch(`${worker.url}/health/ready`);
      return { code: res.status, body: (await res.json()) as Record<string, unknown> };
    };
    writeFileSync(`${journalFile}.health`, 'down');
    const down = await ready();
    assert.equal(down.code, 503);
    assert.deepEqual(down.body.error, { pos: { status: 'down' } });
    assert.deepEqual(Object.keys(down.body.info as object).sort(), [
      'consumer',
      'database',
      'kafka',
    ]);
    writeFileSync(`${journalFile}.health`, 'up');
    assert.deepEqual(await ready().then((r) => [r.code, r.body.status]), [200, 'ok']);
  });
});

describe('a POS that cannot void an order it took too late', () => {
  const brand = uniqueBrand('sdk-no-cancel');
  const journalFile = join(mkdtempSync(join(tmpdir(), 'journal-pos-')), 'calls.jsonl');
  let gateway: AppProcess;
  let worker: AppProcess;

  before(async () => {
    worker = await startWorker(brand, {
      POS_INTEGRATION: resolve(__dirname, 'fixtures/integrations/journal-pos.js'),
      JOURNAL_FILE: journalFile,
      JOURNAL_NO_CANCEL: '1',
    });
    gateway = await startGateway({ ORDER_DEADLINE_MS: String(DEADLINE_MS) });
  });
  after(stopAll);

  it('flags the order in doubt for a human — ledger, metric, log — until a retry settles it', async () => {
    const body = orderOf([item('soup', 'SOUP-1')], [{ itemId: 'soup' }]);
    body.order.comment = `ignore-deadline-once:${DEADLINE_MS + 1_000}`;
    assert.equal((await postOrder(gateway.url, brand, body)).body.error?.code, 'endpoint_down');
    const flagged = () =>
      sql<{ in_doubt: boolean; state: string }>(
        'SELECT in_doubt, state FROM order_ledger WHERE brand = $1 AND wix_order_id = $2',
        [brand, body.order.id],
      );
    let rows = await flagged();
    for (let i = 0; i < 30 && !rows[0]?.in_doubt; i++) {
      await sleep(100);
      rows = await flagged();
    }
    assert.deepEqual(rows, [{ in_doubt: true, state: 'failed' }]);
    const metrics = await (await fetch(`${worker.url}/metrics`)).text();
    assert.match(
      metrics,
      new RegExp(`pos_worker_late_orders_total\\{brand="${brand}",outcome="in_doubt"\\} 1`),
    );
    assert.match(
      worker.logs(),
      new RegExp(`"event":"order.in_doubt".*"wixOrderId":"${body.order.id}"`),
    );

    // The retry carries the same key: the POS hands back what it holds, and the doubt is gone.
    assert.ok((await postOrder(gateway.url, brand, body)).body.value?.orderId);
    assert.deepEqual(await flagged(), [{ in_doubt: false, state: 'accepted' }]);
  });
});
