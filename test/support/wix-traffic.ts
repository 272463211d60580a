import { randomInt } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { Sent } from './faults';
import { Answer, postOrder } from './http';
import { example, renamed, wixId } from './orders';

/** One delivery, with where it went and which of its order's tries it was (0: the first). */
export interface Delivery extends Sent {
  gateway: string;
  try: number;
}

export interface TrafficOptions {
  brand: string;
  /** The gateways that take calls now; read at each delivery. */
  gateways: () => string[];
  ordersPerSecond: number;
  /** Share of orders delivered to two gateways at once. */
  duplicateShare: number;
  /** Further tries of a delivery not answered `value`. */
  retries: number;
  /** The wait before a retry: between these two. */
  retryAfterMs: [number, number];
  restaurants: number;
}

/** Wix gives up on a call after 10 s; so does this client. */
const GIVE_UP_MS = 10_000;

/**
 * Unique orders at a steady rate, delivered as Wix does: some to two gateways at once, and
 * every delivery not answered `value` tried again with the same body, a few seconds later.
 */
export function wixTraffic(options: TrafficOptions) {
  const delivered: Delivery[] = [];
  const chains = new Set<Promise<void>>();
  const restaurants = Array.from({ length: options.restaurants }, () => wixId());
  let next = 0;
  const pick = (offset: number) => {
    const urls = options.gateways();
    return urls[(next + offset) % urls.length];
  };

  const chain = async (body: Sent['body'], offset: number) => {
    for (let n = 0; n <= options.retries; n++) {
      const gateway = pick(offset);
      const answer = await deliver(gateway, options.brand, body);
      delivered.push({ body, answer, gateway, try: n });
      if (answer.body.value || n === options.retries) return;
      await sleep(randomInt(...options.retryAfterMs));
    }
  };
  const track = (promise: Promise<void>) => {
    chains.add(promise);
    void promise.finally(() => chains.delete(promise));
  };

  let running = true;
  const generate = async () => {
    const every = 1_000 / options.ordersPerSecond;
    const started = performance.now();
    for (let i = 0; running; i++) {
      next = i;
      const body = renamed(example('order-takeout-cash'), restaurants[i % restaurants.length]);
      track(chain(body, 0));
      if (Math.random() < options.duplicateShare) track(chain(body, 1));
      // Steady, not closed-loop: a slow answer does not slow the arrivals.
      await sleep(Math.max(0, started + (i + 1) * every - performance.now()));
    }
  };
  const generating = generate();

  return {
    delivered,
    /** Stops new orders, and resolves once every delivery and retry has its answer. */
    async stop(): Promise<Delivery[]> {
      running = false;
      await generating;
      while (chains.size > 0) await Promise.all([...chains]);
      return delivered;
    },
  };
}

/**
 * A delivery's answer; status 0 when the connection failed (`ms` NaN) or when it was given up
 * on (`ms` GIVE_UP_MS, late by any measure).
 */
async function deliver(gateway: string, brand: string, body: unknown): Promise<Answer> {
  let timer: NodeJS.Timeout | undefined;
  const givenUp = new Promise<Answer>((resolve) => {
    timer = setTimeout(() => resolve({ status: 0, body: {}, ms: GIVE_UP_MS }), GIVE_UP_MS);
  });
  const answered = postOrder(gateway, brand, body).catch((): Answer => ({
    status: 0,
    body: {},
    ms: NaN,
  }));
  try {
    return await Promise.race([answered, givenUp]);
  } finally {
    clearTimeout(timer);
  }
}
