import {
  Injectable,
  NestMiddleware,
  OnApplicationBootstrap,
  OnModuleDestroy,
} from '@nestjs/common';
import { NextFunction, Request, Response } from 'express';
import {
  EventLoopUtilization,
  IntervalHistogram,
  monitorEventLoopDelay,
  performance,
} from 'node:perf_hooks';
import { GatewayConfig } from '../config';
import { GatewayMetrics } from '../metrics/gateway-metrics';
import { GatewayAnswer } from '../orders/answer-rules';

const SAMPLE_MS = 250;
/** Three seconds: a burst the gateway works off in a couple of seconds is not overload. */
const WINDOW_MS = 3000;
/**
 * How late, on average over the window, the loop must have run what was due to count as
 * saturated. A loop that waits its turn for a core of a busy machine is busy but runs its
 * timers a few ms late, and takes in what comes; one that falls behind the calls in its
 * sockets runs them later and later. On 2 cores shared with the workers, the broker and
 * PostgreSQL, a gateway at a rate the machine holds averaged about 15 ms; one at twice that
 * rate, 85 ms, and growing.
 */
const LATE_MS = 40;
/** How often Node's delay monitor sets its timer, ms; it counts that in its delays. */
const DELAY_RESOLUTION_MS = 10;

interface Sample {
  active: number;
  elapsed: number;
  /** How late, on average, the loop ran what was due in the sample, ms. */
  lateMs: number;
}

/** How late the loop ran what was due, reading by reading. */
export interface Lateness {
  /** Mean ms since the last reading, which came `elapsedMs` ago and was due `dueMs` after. */
  read(elapsedMs: number, dueMs: number): number;
  close(): void;
}

/**
 * Node's delay monitor, read by difference: a `reset` would drop the timer interval that spans
 * each reading, and with it all of a turn as long as the reading's own interval. The mean is
 * per timer interval, so many short turns weigh as much as one long turn of the same total.
 * When at most one interval ended since the last reading, the loop ran nothing due in it: then
 * the whole of the reading's own lateness past `dueMs`.
 */
export class LoopDelay implements Lateness {
  private histogram?: IntervalHistogram;
  private count = 0;
  private totalNs = 0;

  read(elapsedMs: number, dueMs: number): number {
    if (!this.histogram) {
      this.histogram = monitorEventLoopDelay({ resolution: DELAY_RESOLUTION_MS });
      this.histogram.enable();
    }
    const count = this.histogram.count;
    const totalNs = count > 0 ? this.histogram.mean * count : 0;
    const intervals = count - this.count;
    const ns = totalNs - this.totalNs;
    this.count = count;
    this.totalNs = totalNs;
    const late = intervals > 0 ? ns / intervals / 1e6 - DELAY_RESOLUTION_MS : elapsedMs - dueMs;
    return Number.isFinite(late) ? Math.max(0, late) : 0;
  }

  close(): void {
    this.histogram?.disable();
    this.histogram = undefined;
    this.count = 0;
    this.totalNs = 0;
  }
}

const NOTHING_MEASURED = { utilization: 0, lateMs: 0, latest: 0 };

/**
 * How busy this process's event loop was over the last three seconds of wall time, and how
 * late it ran what was due. A gateway whose loop falls behind cannot even read the calls
 * waiting in its sockets, so they queue unseen until Wix gives up.
 *
 * Samples are weighted by the time they cover: a saturated loop fires its timer late, so one
 * sample may span a second. Until it has measured three whole seconds, in two samples at least,
 * it knows nothing: a gateway just started, busy connecting to Kafka, is not overloaded by its
 * own start, nor one that has just come out of a single long pause.
 */
export class EventLoopLoad {
  private last?: EventLoopUtilization;
  private samples: Sample[] = [];
  private figures = NOTHING_MEASURED;
  private timer?: NodeJS.Timeout;

  constructor(
    private readonly measure: (
      now?: EventLoopUtilization,
      before?: EventLoopUtilization,
    ) => EventLoopUtilization = (now, before) => performance.eventLoopUtilization(now, before),
    private readonly lateness: Lateness = new LoopDelay(),
  ) {}

  /** Measures from now on, forgetting what came before. */
  start(): void {
    this.close();
    this.samples = [];
    this.figures = NOTHING_MEASURED;
    this.last = this.measure();
    this.lateness.read(0, 0);
    this.timer = setInterval(() => this.sample(), SAMPLE_MS);
    this.timer.unref();
  }

  /**
   * Share of the last three seconds the loop was busy, 0–1; 0 until three seconds are measured
   * in two samples at least. Worked out at each sample, not at each call.
   */
  get utilization(): number {
    return this.figures.utilization;
  }

  /**
   * How late the loop ran what was due over the last three seconds, ms on average, weighted
   * by the time each sample covers; 0 until three seconds are measured.
   */
  get lateMs(): number {
    return this.figures.lateMs;
  }

  /** Share of the last sample the loop was busy: whether it is still saturated. */
  get latest(): number {
    return this.figures.latest;
  }

  sample(): void {
    if (!this.last) return;
    const now = this.measure();
    const { active, idle } = this.measure(now, this.last);
    this.last = now;
    const elapsed = active + idle;
    this.samples.push({ active, elapsed, lateMs: this.lateness.read(elapsed, SAMPLE_MS) });
    // Keep the fewest recent samples that still cover the window.
    let covered = this.samples.reduce((sum, sample) => sum + sample.elapsed, 0);
    while (this.samples.length > 1 && covered - this.samples[0].elapsed >= WINDOW_MS) {
      covered -= this.samples[0].elapsed;
      this.samples.shift();
    }
    const latest = elapsed > 0 ? active / elapsed : 0;
    let busy = 0;
    let late = 0;
    for (const sample of this.samples) {
      busy += sample.active;
      late += sample.lateMs * sample.elapsed;
    }
    const measured = this.samples.length >= 2 && covered >= WINDOW_MS;
    const utilization = measured ? busy / covered : 0;
    this.figures = { utilization, latest, lateMs: utilization > 0 ? late / covered : 0 };
  }

  close(): void {
    clearInterval(this.timer);
    this.timer = undefined;
    this.lateness.close();
  }
}

/**
 * Answers a webhook call `endpoint_down` before reading its body while the gateway is saturated
 * (`MAX_EVENT_LOOP_UTILIZATION`) and late: a shed call costs a fraction of a millisecond, an
 * order several, so the gateway works off what it took instead of queueing everything into
 * timeouts. A gateway that is only short of a core on a busy machine, and on time, sheds
 * nothing: the machine still takes what comes. It measures from the moment the gateway starts
 * serving.
 */
@Injectable()
export class LoadShedder implements NestMiddleware, OnApplicationBootstrap, OnModuleDestroy {
  readonly load = new EventLoopLoad();

  constructor(
    private readonly config: GatewayConfig,
    private readonly metrics: GatewayMetrics,
  ) {}

  onApplicationBootstrap(): void {
    this.load.start();
  }

  use(_req: Request, res: Response, next: NextFunction): void {
    const limit = this.config.webhook.maxEventLoopUtilization;
    // Saturated and late for three seconds, and still: a burst it has worked off sheds nothing
    // more. A loop that falls behind leaves calls waiting unseen in its sockets, which no
    // latency it measures from their arrival would show.
    const { utilization, latest, lateMs } = this.load;
    if (limit >= 1 || utilization < limit || latest < limit || !(lateMs >= LATE_MS)) {
      return next();
    }
    this.metrics.overloadShed.inc();
    res.status(200).json(GatewayAnswer.gatewayOverloaded());
  }

  onModuleDestroy(): void {
    this.load.close();
  }
}
