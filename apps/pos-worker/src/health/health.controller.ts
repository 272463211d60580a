import { Controller, Get, Header, Res } from '@nestjs/common';
import { OrderConsumerServer } from '@app/kafka';
import type { Response } from 'express';
import { LoadedIntegration } from '../integration/pos-integration.provider';
import { OrderLedger } from '../ledger/order-ledger';
import { WorkerMetrics } from '../metrics/worker-metrics';

const HEALTH_TIMEOUT_MS = 2_000;

@Controller()
export class HealthController {
  constructor(
    private readonly consumer: OrderConsumerServer,
    private readonly ledger: OrderLedger,
    private readonly loaded: LoadedIntegration,
    private readonly metrics: WorkerMetrics,
  ) {}

  @Get('health/live')
  live() {
    return { status: 'ok' };
  }

  /** Ready once the consumer group is joined, PostgreSQL answers and the POS says it is up. */
  @Get('health/ready')
  async ready(@Res({ passthrough: true }) res: Response) {
    const checks = {
      kafka: this.consumer.isReady ? 'up' : 'down',
      database: await this.ledger.ping().then(
        () => 'up',
        () => 'down',
      ),
      pos: await this.posHealth(),
    };
    const up = Object.values(checks).every((check) => check === 'up');
    res.status(up ? 200 : 503);
    return { status: up ? 'ok' : 'unavailable', checks };
  }

  private async posHealth(): Promise<string> {
    const { integration, log } = this.loaded;
    if (!integration.checkHealth) return 'up';
    const context = { signal: AbortSignal.timeout(HEALTH_TIMEOUT_MS), log };
    return integration.checkHealth(context).then(
      () => 'up',
      () => 'down',
    );
  }

  @Get('metrics')
  @Header('content-type', 'text/plain; version=0.0.4')
  metricsText(): Promise<string> {
    return this.metrics.registry.metrics();
  }
}
