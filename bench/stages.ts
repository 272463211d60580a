import { setTimeout as sleep } from 'node:timers/promises';

/** Mean time per order of each stage, from the processes' own Prometheus histograms. */
const STAGES = {
  gateway: 'pos_gateway_order_seconds',
  kafkaRoundTrip: 'pos_gateway_kafka_reply_seconds',
  worker: 'pos_worker_order_seconds',
  posCall: 'pos_worker_pos_call_seconds',
} as const;

type Totals = Record<string, { sum: number; count: number }>;

/**
 * A process's metrics. fetch keeps its connection alive between scrapes, phases apart, and the
 * app's server may close it just as it is used again ("other side closed"): then once more.
 */
async function metricsOf(url: string): Promise<string> {
  try {
    return await (await fetch(`${url}/metrics`)).text();
  } catch {
    await sleep(200);
    return (await fetch(`${url}/metrics`)).text();
  }
}

async function scrape(urls: string[]): Promise<Totals> {
  const totals: Totals = {};
  for (const url of urls) {
    const text = await metricsOf(url);
    for (const line of text.split('\n')) {
      const match = /^(\w+)_(sum|count)(?:\{[^}]*\})? ([\d.e+-]+)$/.exec(line);
      if (!match) continue;
      const total = (totals[match[1]] ??= { sum: 0, count: 0 });
      total[match[2] as 'sum' | 'count'] += Number(match[3]);
    }
  }
  return totals;
}

/**
 * Where an order's time goes, in ms: the gateway's whole answer, the Kafka round trip it waits
 * for, the worker's handling inside it, and the POS call inside that. The differences are the
 * gateway's own work, Kafka's two hops, and the worker's own work.
 */
export class StageMeter {
  private before: Totals = {};

  constructor(private readonly urls: string[]) {}

  async start(): Promise<void> {
    this.before = await scrape(this.urls);
  }

  async stop(): Promise<Record<string, number>> {
    const after = await scrape(this.urls);
    const mean = (name: string) => {
      const sum = (after[name]?.sum ?? 0) - (this.before[name]?.sum ?? 0);
      const count = (after[name]?.count ?? 0) - (this.before[name]?.count ?? 0);
      return count > 0 ? (sum / count) * 1000 : NaN;
    };
    const ms = Object.fromEntries(
      Object.entries(STAGES).map(([stage, metric]) => [stage, mean(metric)]),
    ) as Record<keyof typeof STAGES, number>;
    const round = (n: number) => Math.round(n * 100) / 100;
    return {
      gatewayOwn: round(ms.gateway - ms.kafkaRoundTrip),
      kafkaHops: round(ms.kafkaRoundTrip - ms.worker),
      workerOwn: round(ms.worker - ms.posCall),
      posCall: round(ms.posCall),
      gatewayTotal: round(ms.gateway),
    };
  }
}
