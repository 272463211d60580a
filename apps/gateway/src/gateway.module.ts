import {
  DynamicModule,
  MiddlewareConsumer,
  Module,
  NestModule,
  OnApplicationShutdown,
} from '@nestjs/common';
import { APP_FILTER } from '@nestjs/core';
import { KafkaProbe, KafkaRequestClient, createKafka } from '@wix-pos-gateway/kafka';
import { TerminusModule } from '@nestjs/terminus';
import { Kafka } from 'kafkajs';
import { GatewayConfig } from './config';
import { HealthController } from './health/health.controller';
import { GatewayMetrics } from './metrics/gateway-metrics';
import { ForwardOrderService } from './orders/forward-order.service';
import { CardPayments } from './orders/card-payments';
import { AnswerPublisher, OrderAnswers } from './orders/order-answers';
import { TopicDirectory } from './orders/topic-directory';
import { SpiExceptionFilter } from './spi-exception.filter';
import { WebhookAuthenticator } from './webhook/webhook-authenticator';
import { LoadShedder } from './webhook/load-shedder';
import { WebhookBodyMiddleware } from './webhook/webhook-body.middleware';
import { WebhookController } from './webhook/webhook.controller';

/**
 * Every call is answered within ORDER_DEADLINE_MS (at most 9.5 s): the workers' retries of a
 * connection, about 23 s in all, would outlast it, and a reconnect would wait on them.
 */
const GATEWAY_KAFKA_RETRY = { initialRetryTime: 100, maxRetryTime: 1_000, retries: 5 };

/** How long a stopping gateway waits for its `written` marks and withdrawals to go out. */
const SHUTDOWN_WRITES_MS = 5_000;

@Module({ imports: [TerminusModule] })
export class GatewayModule implements NestModule, OnApplicationShutdown {
  constructor(
    private readonly client: KafkaRequestClient,
    private readonly answers: OrderAnswers,
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
            new KafkaProbe(config.kafka.brokers, config.kafka.clientId, config.kafka.security),
        },
        WebhookAuthenticator,
        {
          provide: Kafka,
          useFactory: () =>
            createKafka(
              config.kafka.clientId,
              config.kafka.brokers,
              config.logLevel,
              config.kafka.security,
              GATEWAY_KAFKA_RETRY,
            ),
        },
        {
          provide: KafkaRequestClient,
          inject: [Kafka],
          useFactory: (kafka: Kafka) =>
            new KafkaRequestClient(kafka, {
              instanceId: config.instanceId,
              maxWaitTimeInMs: config.kafka.maxWaitMs,
            }),
        },
        { provide: AnswerPublisher, useExisting: KafkaRequestClient },
        OrderAnswers,
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
    await this.answers.drain(SHUTDOWN_WRITES_MS);
    await this.client.close();
    await this.probe.close();
  }
}
