import { Controller, Get, Header } from '@nestjs/common';
import { KafkaProbe, KafkaRequestClient } from '@wix-pos-gateway/kafka';
import { ApiOperation, ApiProduces, ApiTags } from '@nestjs/swagger';
import { HealthCheck, HealthCheckService, HealthIndicatorService } from '@nestjs/terminus';
import { GatewayMetrics } from '../metrics/gateway-metrics';

@ApiTags('health')
@Controller()
export class HealthController {
  constructor(
    private readonly health: HealthCheckService,
    private readonly indicators: HealthIndicatorService,
    private readonly probe: KafkaProbe,
    private readonly client: KafkaRequestClient,
    private readonly metrics: GatewayMetrics,
  ) {}

  @ApiOperation({ summary: 'The process answers' })
  @Get('health/live')
  @HealthCheck()
  live() {
    return this.health.check([]);
  }

  /** Ready: the broker answers and this gateway's reply consumer is fetching. */
  @ApiOperation({ summary: 'The broker answers and replies are being read (503 says which not)' })
  @Get('health/ready')
  @HealthCheck()
  ready() {
    return this.health.check([
      async () => this.indicator('kafka', await this.probe.up()),
      () => this.indicator('replies', this.client.isReady),
    ]);
  }

  @ApiOperation({ summary: 'Prometheus metrics' })
  @ApiProduces('text/plain')
  @Get('metrics')
  @Header('content-type', 'text/plain; version=0.0.4')
  metricsText(): Promise<string> {
    return this.metrics.registry.metrics();
  }

  private indicator<Key extends string>(key: Key, up: boolean) {
    const session = this.indicators.check(key);
    return up ? session.up() : session.down();
  }
}
