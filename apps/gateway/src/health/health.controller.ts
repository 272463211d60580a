import { Controller, Get, Res } from '@nestjs/common';
import { KafkaRequestClient } from '@app/kafka';
import type { Response } from 'express';

@Controller('health')
export class HealthController {
  constructor(private readonly client: KafkaRequestClient) {}

  @Get('live')
  live() {
    return { status: 'ok' };
  }

  /** Ready once the producer is connected and the reply consumer is fetching. */
  @Get('ready')
  ready(@Res({ passthrough: true }) res: Response) {
    const up = this.client.isReady;
    res.status(up ? 200 : 503);
    return { status: up ? 'ok' : 'unavailable', checks: { kafka: up ? 'up' : 'down' } };
  }
}
