import assert from 'node:assert/strict';
import { setTimeout as sleep } from 'node:timers/promises';
import { Answer, percentile, postOrder } from './http';
import { inboxRows, sql } from './ledger';
import { SpiBody, example, renamed, wixId } from './orders';
import type { AppProcess } from './processes';

export interface Sent {
  body: SpiBody;
  answer: Answer;
  /** When the answer came (`Date.now()`), for the streams that record it. */
  at?: number;
}

/** Orders posted one after another by `loops` clients until `stop()`: a steady stream. */
export function stream(gatewayUrl: () => string, brand: string, loops = 4) {
  const sent: Sent[] = [];
  const restaurants = Array.from({ length: 24 }, () => wixId());
  let running = true;
  const loop = async (n: number) => {
    for (let i = 0; running; i++) {
      const body = renamed(example('order-takeout-cash'), restaurants[(n * 7 + i) % 24]);
      const answer = await postOrder(gatewayUrl(), brand, body).catch((): Answer => ({
        status: 0,
        body: {},
        ms: NaN,
      }));
      sent.push({ body, answer, at: Date.now() });
      await sleep(10);
    }
  };
  const loops_ = Array.from({ length: loops }, (_, n) => loop(n));
  return {
    sent,
    async stop(): Promise<Sent[]> {
      running = false;
      await Promise.all(loops_);
      return sent;
    },
  };
}

/**
 * What a run amounts to, order by order, from the POS's own records (the kitchen inbox)
 * against every HTTP answer (docs/order-protocol.md, "The invariant").
 */
export interface Tally {
  requests: number;
  orders: number;
  answers: Record<string, number>;
  /** Answered `value`, but the POS holds no live order with that id. */
  lost: number;
  /** More than one live POS order for one Wix order, or two ids answered for it. */
  duplicated: number;
  /** No delivery was answered `value`, yet the POS holds a live order, not flagged in doubt. */
  phantom: number;
  /** Orders the worker flagged for a human (the windows no webhook can close). */
  inDoubt: number;
  /** Answered after the deadline plus the stated margin. */
  late: number;
  /** The orders behind `lost`, `duplicated` and `phantom`, when there are any. */
  lostIds?: string[];
  duplicatedIds?: string[];
  phantomIds?: string[];
  worstMs: number;
  p99Ms: number;
}

export async function tally(brand: string, sent: Sent[], lateAfterMs = Infinity): Promise<Tally> {
  const live = new Map<string, string[]>();
  for (const row of await inboxRows(brand)) {
    if (!row.voided)
      live.set(row.wix_order_id, [...(live.get(row.wix_order_id) ?? []), String(row.ticket)]);
  }
  const flagged = new Set(
    (
      await sql<{ wix_order_id: string }>(
        'SELECT wix_order_id FROM order_ledger WHERE brand = $1 AND in_doubt',
        [brand],
      )
    ).map((row) => row.wix_order_id),
  );
  const answers: Record<string, number> = {};
  const values = new Map<string, Set<string>>();
  for (const { body, answer } of sent) {
    const outcome = answer.body.value
      ? 'accepted'
      : (answer.body.error?.code ?? `http_${answer.status}`);
    answers[outcome] = (answers[outcome] ?? 0) + 1;
    const ids = values.get(body.order.id) ?? new Set<string>();
    if (answer.body.value) ids.add(answer.body.value.orderId);
    values.set(body.order.id, ids);
  }
  const [lostIds, duplicatedIds, phantomIds]: string[][] = [[], [], []];
  for (const [wixOrderId, ids] of values) {
    const held = live.get(wixOrderId) ?? [];
    if (held.length > 1 || ids.size > 1) duplicatedIds.push(wixOrderId);
    if (ids.size > 0 && !held.some((id) => ids.has(id))) lostIds.push(wixOrderId);
    if (ids.size === 0 && held.length > 0 && !flagged.has(wixOrderId)) phantomIds.push(wixOrderId);
  }
  const times = sent.map((s) => s.answer.ms).filter((ms) => Number.isFinite(ms));
  return {
    requests: sent.length,
    orders: values.size,
    answers,
    lost: lostIds.length,
    duplicated: duplicatedIds.length,
    phantom: phantomIds.length,
    inDoubt: [...values.keys()].filter((id) => flagged.has(id)).length,
    late: times.filter((ms) => ms > lateAfterMs).length,
    ...(lostIds.length > 0 ? { lostIds } : {}),
    ...(duplicatedIds.length > 0 ? { duplicatedIds } : {}),
    ...(phantomIds.length > 0 ? { phantomIds } : {}),
    worstMs: Math.round(Math.max(...times)),
    p99Ms: Math.round(percentile(times, 99)),
  };
}

/** The order deadline the fault tests give their gateways. */
export const DEADLINE_MS = 3_000;
/** What "answered inside the deadline" allows on top of it: the HTTP and reply hops. */
const MARGIN_MS = 500;

export function report(name: string, t: Tally): void {
  console.log(`fault "${name}": ${JSON.stringify(t)}`);
}

/** How long until the brand takes an order again (-1: not within `withinMs`), trying every `everyMs`. */
export async function msUntilAccepted(
  url: string,
  brand: string,
  withinMs: number,
  everyMs: number,
) {
  const from = Date.now();
  while (Date.now() - from < withinMs) {
    const answer = await postOrder(url, brand, renamed(example('order-takeout-cash')));
    if (answer.body.value) return Date.now() - from;
    await sleep(everyMs);
  }
  return -1;
}

/** The tally once voids in progress have had up to `waitMs` to land. */
export async function settledTally(brand: string, sent: Sent[], waitMs = 20_000): Promise<Tally> {
  let t = await tally(brand, sent, DEADLINE_MS + MARGIN_MS);
  for (let i = 0; i < waitMs / 200 && t.phantom > 0; i++) {
    await sleep(200);
    t = await tally(brand, sent, DEADLINE_MS + MARGIN_MS);
  }
  return t;
}

/** The last lines each process logged, leaving out its lines about single orders. */
export function printLastLines(apps: AppProcess[]): void {
  for (const app of apps) {
    const lines = app
      .logs()
      .split('\n')
      .filter((line) => !/order\.(processed|answered)/.test(line));
    console.log(`${app.name}, last lines:\n${lines.slice(-40).join('\n').slice(0, 20_000)}`);
  }
}

/** What the processes logged about each phantom order: the first thing to read when one shows up. */
export function explainPhantoms(t: Tally, apps: AppProcess[]): void {
  if (t.phantom === 0) return;
  printLastLines(apps);
  for (const id of t.phantomIds ?? []) {
    for (const app of apps) {
      for (const line of app.logs().split('\n')) {
        if (line.includes(id)) console.log(`${app.name}: ${line.slice(0, 500)}`);
      }
    }
  }
}

export function assertClean(t: Tally): void {
  assert.equal(t.lost, 0, 'lost orders');
  assert.equal(t.duplicated, 0, 'duplicated orders');
  assert.equal(t.phantom, 0, 'phantom orders');
  assert.equal(t.late, 0, 'late answers');
  assert.ok(t.worstMs < DEADLINE_MS + MARGIN_MS, `worst answer ${t.worstMs} ms`);
  assert.equal(t.answers.http_0 ?? 0, 0, 'unanswered requests');
}
