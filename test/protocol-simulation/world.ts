import { SpiResponse } from '@wix-pos-gateway/contracts';
import { OrderState } from '../../apps/pos-worker/src/lifecycle/order-lifecycle';
import { AnswersConsumer } from './answers-consumer';
import { Broker } from './broker';
import { Gateway, text } from './gateway';
import { Ledger } from './ledger';
import { Pos } from './pos';
import { Reconciler, SWEEP_EVERY_MS } from './reconciler';
import { Scenario } from './scenario';
import { OrderRequest, Services } from './services';
import { Sim, Trace } from './sim';
import { Worker } from './worker';
import { Wix } from './wix';

/** How long a paused worker keeps its requests before the group hands them to another. */
const SESSION_TIMEOUT_MS = 10_000;
/** How long the world may take to settle once the faults are over. */
const SETTLE_LIMIT_MS = 90_000;

const SETTLED = new Set<OrderState>(['confirmed', 'voided', 'rejected', 'failed']);

/** Gateways, workers, Kafka, the ledger and the POS, wired as in production, in one clock. */
export class World {
  readonly sim: Sim;
  readonly ledger: Ledger;
  readonly pos: Pos;
  readonly broker: Broker;
  readonly workers: Worker[];
  readonly gateways: Gateway[];
  readonly wix: Wix;
  private readonly consumer: AnswersConsumer;
  private readonly reconciler: Reconciler;
  healedAt = 0;
  /** Order requests on their way to a worker. */
  private inTransit = 0;
  private handovers = 0;

  constructor(
    readonly scenario: Scenario,
    trace?: Trace,
  ) {
    const sim = (this.sim = new Sim(scenario, trace));
    this.ledger = new Ledger(sim);
    this.pos = new Pos(sim);
    this.broker = new Broker(sim);
    const services: Services = {
      sim,
      ledger: this.ledger,
      pos: this.pos,
      broker: this.broker,
      reply: (request, response) => this.reply(request, response),
    };
    this.workers = Array.from({ length: scenario.workers }, (_, i) => new Worker(services, i));
    this.gateways = Array.from(
      { length: scenario.gateways },
      (_, i) =>
        new Gateway(
          sim,
          i,
          this.broker,
          (request) => this.request(request),
          (delivery) => this.wix.finished(delivery),
        ),
    );
    this.wix = new Wix(sim, this.gateways);
    for (const worker of this.workers) {
      worker.process.hazard = () => {
        if (sim.roll('workerDies')) this.crash(worker, sim.random.int(500, 10_000));
        else if (sim.roll('workerStalls')) this.pause(worker, sim.random.int(500, 30_000));
      };
    }
    const hosts = this.workers.map((w) => w.process);
    this.consumer = new AnswersConsumer(services, sim.random.pick(hosts));
    this.reconciler = new Reconciler(services, hosts);
  }

  /** Runs the schedule to its end: the faults, then healing, then settling. */
  run(): void {
    const { sim, scenario } = this;
    this.schedule();
    sim.clock.runUntil(scenario.calmAt);
    sim.clock.runUntil(Infinity, () => this.wix.pending === 0);
    sim.healed = true;
    this.healedAt = sim.now;
    sim.trace?.('world', 'healed');
    const limit = sim.now + SETTLE_LIMIT_MS;
    const settled = () => this.settled() || sim.now > limit;
    sim.clock.runUntil(Infinity, settled);
    sim.clock.runUntil(sim.now + 2 * SWEEP_EVERY_MS + 500);
    sim.stopped = true;
    sim.clock.runUntil(Infinity);
  }

  private schedule(): void {
    const { sim, scenario } = this;
    for (const order of scenario.orders) this.wix.plan(order);
    this.reconciler.start();
    for (const { index, at, forMs } of scenario.workerCrashes) {
      sim.clock.at(at, () => this.crash(this.workers[index], forMs));
    }
    for (const { index, at, forMs } of scenario.workerPauses) {
      sim.clock.at(at, () => this.pause(this.workers[index], forMs));
    }
    for (const { index, at, forMs } of scenario.gatewayCrashes) {
      sim.clock.at(at, () => this.gateways[index].crash(forMs));
    }
  }

  private settled(): boolean {
    for (const { record } of this.ledger.records.values()) {
      if (!SETTLED.has(record.state) || (record.state === 'failed' && record.inDoubt)) return false;
    }
    const working = this.workers.some((w) => w.inFlight.size > 0);
    return !working && this.inTransit === 0 && this.pos.inFlight === 0 && this.consumer.caughtUp;
  }

  private request(request: OrderRequest): void {
    const { sim } = this;
    const delay = sim.roll('requestDelayed') ? sim.random.int(0, 5_000) : 0;
    this.toWorkers(this.broker.arrival(sim.random.int(1, 20) + delay), request);
  }

  private toWorkers(at: number, request: OrderRequest, other?: Worker): void {
    this.inTransit++;
    this.sim.clock.at(at, () => {
      this.inTransit--;
      this.deliver(request, other);
    });
  }

  /** Hands a request to a worker of the group (not `other` if it can). */
  private deliver(request: OrderRequest, other?: Worker): void {
    const { sim } = this;
    const up = this.workers.filter((w) => w.process.up);
    const choice = up.filter((w) => w !== other);
    if (up.length === 0) return this.toWorkers(sim.now + 500, request, other);
    const worker = sim.random.pick(choice.length > 0 ? choice : up);
    // One object per hand-over: a worker may hold two deliveries of one request at once.
    const handed = { ...request };
    const label = `${request.correlationId}.${++this.handovers}`;
    worker.inFlight.add(handed);
    worker.process.after(0, () => worker.deliver(handed, label));
    if (sim.roll('requestRedelivered')) {
      this.toWorkers(sim.now + sim.random.int(0, 10_000), request, worker);
    }
  }

  private reply(request: OrderRequest, response: SpiResponse): void {
    const { sim } = this;
    if (sim.roll('replyLost')) {
      sim.trace?.('kafka', `reply to ${request.correlationId} lost`);
      return;
    }
    const delay = sim.roll('replyDelayed') ? sim.random.int(0, 10_000) : 0;
    const at = this.broker.arrival(sim.random.int(1, 20) + delay);
    sim.clock.at(at, () => {
      sim.trace?.('kafka', `reply to ${request.correlationId}: ${text(response)}`);
      this.gateways[request.gateway].reply(request.correlationId, response);
    });
  }

  private crash(worker: Worker, forMs: number): void {
    const requests = [...worker.inFlight];
    worker.inFlight.clear();
    worker.process.crash(forMs);
    this.rebalance(worker, requests, this.sim.random.int(3_000, SESSION_TIMEOUT_MS));
  }

  /** A pause past the session timeout is an eviction: the worker goes on as a zombie. */
  private pause(worker: Worker, forMs: number): void {
    worker.process.pause(forMs);
    if (forMs <= SESSION_TIMEOUT_MS) return;
    this.sim.clock.after(SESSION_TIMEOUT_MS, () => this.rebalance(worker, [...worker.inFlight], 0));
  }

  /** The group hands a worker's unanswered requests to the others. */
  private rebalance(worker: Worker, requests: OrderRequest[], afterMs: number): void {
    for (const request of requests) this.toWorkers(this.sim.now + afterMs, request, worker);
  }
}
