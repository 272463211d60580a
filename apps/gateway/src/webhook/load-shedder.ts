import { Injectable, NestMiddleware, OnModuleDestroy } from '@nestjs/common';
import { NextFunction, Request, Response } from 'express';
import { EventLoopUtilization, performance } from 'node:perf_hooks';
import { GatewayConfig } from '../config';
import { GatewayMetrics } from '../metrics/gateway-metrics';
import { GatewayAnswer } from '../orders/answer-rules';

const SAMPLE_MS = 250;
/** Three seconds: a burst the gateway works off in a couple of seconds is not overload. */
const SAMPLES = 12;

/**
 * How busy this process's event loop was over the last three seconds. A gateway short of CPU
 * cannot even read the calls waiting in its sockets, so they queue unseen until Wix gives up.
 */
export class EventLoopLoad {
  private last: EventLoopUtilization;
  private readonly samples: number[] = [];
  private readonly timer: NodeJS.Timeout;

  constructor(
    private readonly measure: (
      now?: EventLoopUtilization,
      before?: EventLoopUtilization,
    ) => EventLoopUtilization = (now, before) => performance.eventLoopUtilization(now, before),
  ) {
    this.last = this.measure();
    this.timer = setInterval(() => this.sample(), SAMPLE_MS);
    this.timer.unref();
  }

  /** Share of the last three seconds the loop was busy, 0–1. */
  get utilization(): number {
    if (this.samples.length === 0) return 0;
    return this.samples.reduce((sum, busy) => sum + busy, 0) / this.samples.length;
  }

  /** Share of the last quarter second the loop was busy: whether it is still saturated. */
  get latest(): number {
    return this.samples[this.samples.length - 1] ?? 0;
  }

  sample(): void {
    const now = this.measure();
    this.samples.push(this.measure(now, this.last).utilization);
    if (this.samples.length > SAMPLES) this.samples.shift();
    this.last = now;
  }

  close(): void {
    clearInterval(this.timer);
  }
}

/**
 * Answers a webhook call `endpoint_down` before reading its body while the gateway is saturated
 * (`MAX_EVENT_LOOP_UTILIZATION`): a shed call costs a fraction of a millisecond, an order
 * several, so the gateway works off what it took instead of queueing everything into timeouts.
 */
@Injectable()
export class LoadShedder implements NestMiddleware, OnModuleDestroy {
  readonly load = new EventLoopLoad();

  constructor(
    private readonly config: GatewayConfig,
    private readonly metrics: GatewayMetrics,
  ) {}

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
