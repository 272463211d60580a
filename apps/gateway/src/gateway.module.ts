import {
  DynamicModule,
  MiddlewareConsumer,
  Module,
  NestModule,
  OnApplicationShutdown,
} from '@nestjs/common';
import { APP_FILTER } from '@nestjs/core';
import { KafkaProbe, KafkaRequestClient, createKafka } from '@app/kafka';
import { TerminusModule } from '@nestjs/terminus';
import { Kafka } from 'kafkajs';
import { GatewayConfig } from './config';
import { HealthController } from './health/health.controller';
import { GatewayMetrics } from './metrics/gateway-metrics';
import { ForwardOrderService } from './orders/forward-order.service';
import { CardPayments } from './orders/card-payments';
import { voidLateAcceptance } from './orders/late-acceptance';
import { TopicDirectory } from './orders/topic-directory';
import { SpiExceptionFilter } from './spi-exception.filter';
import { WebhookAuthenticator } from './webhook/webhook-authenticator';
import { LoadShedder } from './webhook/load-shedder';
import { WebhookBodyMiddleware } from './webhook/webhook-body.middleware';
import { WebhookController } from './webhook/webhook.controller';

@Module({ imports: [TerminusModule] })
export class GatewayModule implements NestModule, OnApplicationShutdown {
  constructor(
    private readonly client: KafkaRequestClient,
    private readonly probe: KafkaProbe,
  ) {}

  static forRoot(config: GatewayConfig): DynamicModule {
    return {
      module: GatewayModule,
      controllers: [WebhookController, HealthController],
      providers: [
        { provide: GatewayConfig, useValue: config },
        { provide: APP_FILTER, useClass: SpiExceptionFilter },
        CardPayments,
        GatewayMetrics,
        {
          provide: KafkaProbe,
          useFactory: () =>
            new KafkaProbe(config.kafkaBrokers, `pos-gateway-${config.GATEWAY_INSTANCE_ID}`),
        },
        WebhookAuthenticator,
        {
          provide: Kafka,
          useFactory: () =>
            createKafka(
              `pos-gateway-${config.GATEWAY_INSTANCE_ID}`,
              config.kafkaBrokers,
              config.LOG_LEVEL,
            ),
        },
        {
          provide: KafkaRequestClient,
          inject: [Kafka],
          useFactory: (kafka: Kafka) => {
            const client: KafkaRequestClient = new KafkaRequestClient(kafka, {
              instanceId: config.GATEWAY_INSTANCE_ID,
              maxWaitTimeInMs: config.KAFKA_MAX_WAIT_MS,
              // Without replies every order would time out: exit, and let the supervisor restart.
              crashed: () => process.exit(1),
              lateReply: (late) => void voidLateAcceptance(client, late),
            });
            return client;
          },
        },
        {
          provide: TopicDirectory,
          inject: [Kafka],
          useFactory: (k: Kafka) => new TopicDirectory(k),
        },
        ForwardOrderService,
      ],
    };
  }

  configure(consumer: MiddlewareConsumer): void {
    consumer.apply(LoadShedder, WebhookBodyMiddleware).forRoutes(WebhookController);
  }

  /** Runs after the HTTP server has closed, so in-flight calls still get their replies. */
  async onApplicationShutdown(): Promise<void> {
    await this.client.close();
    await this.probe.close();
  }
}
