import { Controller, Get, Header } from '@nestjs/common';
import { callHook } from '../integration/hook-call';
import { KafkaProbe, OrderConsumerServer } from '@wix-pos-gateway/kafka';
import { ApiOperation, ApiProduces, ApiTags } from '@nestjs/swagger';
import { HealthCheck, HealthCheckService, HealthIndicatorService } from '@nestjs/terminus';
import { LoadedIntegration } from '../integration/pos-integration.provider';
import { OrderLedger } from '../ledger/order-ledger';
import { WorkerMetrics } from '../metrics/worker-metrics';

const HEALTH_TIMEOUT_MS = 2_000;

@ApiTags('health')
@Controller()
export class HealthController {
  constructor(
    private readonly health: HealthCheckService,
    private readonly indicators: HealthIndicatorService,
    private readonly probe: KafkaProbe,
    private readonly consumer: OrderConsumerServer,
    private readonly ledger: OrderLedger,
    private readonly loaded: LoadedIntegration,
    private readonly metrics: WorkerMetrics,
  ) {}

  @ApiOperation({ summary: 'The process answers' })
  @Get('health/live')
  @HealthCheck()
  live() {
    return this.health.check([]);
  }

  /** Ready: the broker answers, the consumer group is joined, the database and the POS are up. */
  @ApiOperation({
    summary: 'Broker, consumer group, database and POS are up (503 says which is not)',
  })
  @Get('health/ready')
  @HealthCheck()
  ready() {
    return this.health.check([
      () => this.indicator('kafka', this.probe.up()),
      () => this.indicator('consumer', Promise.resolve(this.consumer.isReady)),
      () =>
        this.indicator(
          'database',
          this.ledger.ping().then(
            () => true,
            () => false,
          ),
        ),
      () => this.indicator('pos', this.posUp()),
    ]);
  }

  @ApiOperation({ summary: 'Prometheus metrics' })
  @ApiProduces('text/plain')
  @Get('metrics')
  @Header('content-type', 'text/plain; version=0.0.4')
  metricsText(): Promise<string> {
    return this.metrics.registry.metrics();
  }

  private async indicator<Key extends string>(key: Key, up: Promise<boolean>) {
    const session = this.indicators.check(key);
    return (await up) ? session.up() : session.down();
  }

  private posUp(): Promise<boolean> {
    const { integration, log } = this.loaded;
    if (!integration.checkHealth) return Promise.resolve(true);
    const check = integration.checkHealth.bind(integration);
    return callHook('checkHealth', HEALTH_TIMEOUT_MS, (signal) => check({ signal, log })).then(
      () => true,
      () => false,
    );
  }
}
