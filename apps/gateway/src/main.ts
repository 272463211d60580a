import 'reflect-metadata';
import { crash, createLogger, installCrashHandlers } from '@app/config';
import { ORDER_REPLY_TOPIC } from '@app/contracts';
import { KafkaRequestClient, ensureTopics } from '@app/kafka';
import { Logger } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { NestExpressApplication } from '@nestjs/platform-express';
import { Kafka } from 'kafkajs';
import { loadGatewayConfig } from './config';
import { GatewayModule } from './gateway.module';
import { TopicDirectory } from './orders/topic-directory';

/** The webhook Wix Restaurants calls: HTTP in, request/reply over Kafka to the brand's POS workers. */
async function bootstrap(): Promise<void> {
  const config = loadGatewayConfig(process.env);
  const app = await NestFactory.create<NestExpressApplication>(GatewayModule.forRoot(config), {
    logger: createLogger(config.LOG_LEVEL),
    bodyParser: false,
  });
  app.enableShutdownHooks();
  app.disable('x-powered-by');

  await ensureTopics(app.get(Kafka), [
    {
      topic: ORDER_REPLY_TOPIC,
      partitions: config.REPLY_TOPIC_PARTITIONS,
      replicationFactor: config.KAFKA_REPLICATION_FACTOR,
      retentionMs: config.REPLY_TOPIC_RETENTION_MS,
    },
  ]);
  await app.get(TopicDirectory).connect();
  await app.get(KafkaRequestClient).connect();
  await app.listen(config.PORT);
  new Logger('gateway').log(
    `instance ${config.GATEWAY_INSTANCE_ID} listening on ${await app.getUrl()}`,
  );
}

installCrashHandlers();
bootstrap().catch(crash);
