import { Controller, Get, Header, Res } from '@nestjs/common';
import { OrderConsumerServer } from '@app/kafka';
import type { Response } from 'express';
import { LedgerService } from '../ledger/ledger.service';
import { WorkerMetrics } from '../metrics/worker-metrics';

@Controller()
export class HealthController {
  constructor(
    private readonly consumer: OrderConsumerServer,
    private readonly ledger: LedgerService,
    private readonly metrics: WorkerMetrics,
  ) {}

  @Get('health/live')
  live() {
    return { status: 'ok' };
  }

  /** Ready once the consumer group is joined and PostgreSQL answers. */
  @Get('health/ready')
  async ready(@Res({ passthrough: true }) res: Response) {
    const checks = {
      kafka: this.consumer.isReady ? 'up' : 'down',
      database: await this.ledger.ping().then(
        () => 'up',
        () => 'down',
      ),
    };
    const up = Object.values(checks).every((check) => check === 'up');
    res.status(up ? 200 : 503);
    return { status: up ? 'ok' : 'unavailable', checks };
  }

  @Get('metrics')
  @Header('content-type', 'text/plain; version=0.0.4')
  metricsText(): Promise<string> {
    return this.metrics.registry.metrics();
  }
}
