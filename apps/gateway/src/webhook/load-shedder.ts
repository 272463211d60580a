import {
  Injectable,
  NestMiddleware,
  OnApplicationBootstrap,
  OnModuleDestroy,
} from '@nestjs/common';
import { NextFunction, Request, Response } from 'express';
import { EventLoopUtilization, performance } from 'node:perf_hooks';
import { GatewayConfig } from '../config';
import { GatewayMetrics } from '../metrics/gateway-metrics';
import { GatewayAnswer } from '../orders/answer-rules';

const SAMPLE_MS = 250;
/** Three seconds: a burst the gateway works off in a couple of seconds is not overload. */
const WINDOW_MS = 3000;

interface Sample {
  active: number;
  elapsed: number;
}

/**
 * How busy this process's event loop was over the last three seconds of wall time. A gateway
 * short of CPU cannot even read the calls waiting in its sockets, so they queue unseen until
 * Wix gives up.
 *
 * Samples are weighted by the time they cover: a saturated loop fires its timer late, so one
 * sample may span a second. Until it has measured three whole seconds, in two samples at least,
 * it knows nothing: a gateway just started, busy connecting to Kafka, is not overloaded by its
 * own start, nor one that has just come out of a single long pause.
 */
export class EventLoopLoad {
  private last?: EventLoopUtilization;
  private samples: Sample[] = [];
  private timer?: NodeJS.Timeout;

  constructor(
    private readonly measure: (
      now?: EventLoopUtilization,
      before?: EventLoopUtilization,
    ) => EventLoopUtilization = (now, before) => performance.eventLoopUtilization(now, before),
  ) {}

  /** Measures from now on, forgetting what came before. */
  start(): void {
    this.close();
    this.samples = [];
    this.last = this.measure();
    this.timer = setInterval(() => this.sample(), SAMPLE_MS);
    this.timer.unref();
  }

  /**
   * Share of the last three seconds the loop was busy, 0–1; 0 until three seconds are measured
   * in two samples at least.
   */
  get utilization(): number {
    let active = 0;
    let elapsed = 0;
    for (const sample of this.samples) {
      active += sample.active;
      elapsed += sample.elapsed;
    }
    return this.samples.length < 2 || elapsed < WINDOW_MS ? 0 : active / elapsed;
  }

  /** Share of the last sample the loop was busy: whether it is still saturated. */
  get latest(): number {
    const last = this.samples[this.samples.length - 1];
    return last && last.elapsed > 0 ? last.active / last.elapsed : 0;
  }

  sample(): void {
    if (!this.last) return;
    const now = this.measure();
    const { active, idle } = this.measure(now, this.last);
    this.last = now;
    this.samples.push({ active, elapsed: active + idle });
    // Keep the fewest recent samples that still cover the window.
    let covered = this.samples.reduce((sum, sample) => sum + sample.elapsed, 0);
    while (this.samples.length > 1 && covered - this.samples[0].elapsed >= WINDOW_MS) {
      covered -= this.samples[0].elapsed;
      this.samples.shift();
    }
  }

  close(): void {
    clearInterval(this.timer);
    this.timer = undefined;
  }
}

/**
 * Answers a webhook call `endpoint_down` before reading its body while the gateway is saturated
 * (`MAX_EVENT_LOOP_UTILIZATION`): a shed call costs a fraction of a millisecond, an order
 * several, so the gateway works off what it took instead of queueing everything into timeouts.
 * On a machine it shares, a gateway saturated for seconds is a machine saturated: the orders
 * it took wait for workers short of CPU too. It measures from the moment the gateway starts
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
    // Saturated for three seconds, and still: a burst it has worked off sheds nothing more.
    const { utilization, latest } = this.load;
    if (limit >= 1 || utilization < limit || latest < limit) return next();
    this.metrics.overloadShed.inc();
    res.status(200).json(GatewayAnswer.gatewayOverloaded());
  }

  onModuleDestroy(): void {
    this.load.close();
  }
}
