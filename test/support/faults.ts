import { setTimeout as sleep } from 'node:timers/promises';
import { Answer, percentile, postOrder } from './http';
import { inboxRows, ledgerRows } from './ledger';
import { SpiBody, example, renamed, wixId } from './orders';

export interface Sent {
  body: SpiBody;
  answer: Answer;
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
      sent.push({ body, answer });
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

/** What a run amounts to, against the ledger and the kitchen inbox. */
export interface Tally {
  requests: number;
  answers: Record<string, number>;
  /** Accepted by the gateway, but not in the ledger with that id. */
  lost: number;
  /** More than one live inbox order for one Wix order. */
  duplicated: number;
  /** Answered with an error, yet live in the inbox. */
  phantom: number;
  phantomIds?: string[];
  worstMs: number;
  p99Ms: number;
}

export async function tally(brand: string, sent: Sent[]): Promise<Tally> {
  const ledger = new Map((await ledgerRows(brand)).map((r) => [r.wix_order_id, r.pos_order_id]));
  const live = new Map<string, number>();
  for (const row of await inboxRows(brand)) {
    if (!row.voided) live.set(row.wix_order_id, (live.get(row.wix_order_id) ?? 0) + 1);
  }
  const answers: Record<string, number> = {};
  let lost = 0;
  let phantom = 0;
  const phantomIds: string[] = [];
  for (const { body, answer } of sent) {
    const outcome = answer.body.value
      ? 'accepted'
      : (answer.body.error?.code ?? `http_${answer.status}`);
    answers[outcome] = (answers[outcome] ?? 0) + 1;
    if (answer.body.value && ledger.get(body.order.id) !== answer.body.value.orderId) lost += 1;
    if (!answer.body.value && (live.get(body.order.id) ?? 0) > 0) {
      phantom += 1;
      phantomIds.push(body.order.id);
    }
  }
  const times = sent.map((s) => s.answer.ms).filter((ms) => Number.isFinite(ms));
  return {
    requests: sent.length,
    answers,
    lost,
    duplicated: [...live.values()].filter((n) => n > 1).length,
    phantom,
    ...(phantomIds.length > 0 ? { phantomIds } : {}),
    worstMs: Math.round(Math.max(...times)),
    p99Ms: Math.round(percentile(times, 99)),
  };
}
