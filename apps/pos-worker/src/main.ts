import 'reflect-metadata';
import { crash, createLogger, installCrashHandlers } from '@app/config';
import { orderRequestTopic } from '@app/contracts';
import { OrderConsumerServer, ensureTopics } from '@app/kafka';
import { Logger } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { Kafka } from 'kafkajs';
import { Pool } from 'pg';
import { loadWorkerConfig } from './config';
import { loadIntegration } from './integration/load-integration';
import { DATABASE_POOL } from './ledger/database';
import { migrate } from './ledger/migrate';
import { WorkerModule } from './worker.module';

/** A POS worker for one brand: consumes the brand's orders, serves health and metrics on HTTP. */
async function bootstrap(): Promise<void> {
  const config = loadWorkerConfig(process.env);
  const logger = createLogger(config.LOG_LEVEL);
  Logger.overrideLogger(logger);
  const integration = await loadIntegration(config.POS_INTEGRATION, config.BRAND, process.env);
  const app = await NestFactory.create(WorkerModule.forRoot(config, integration), { logger });
  app.enableShutdownHooks();

  await migrate(app.get<Pool>(DATABASE_POOL));
  await ensureTopics(app.get(Kafka), [
    {
      topic: orderRequestTopic(config.BRAND),
      partitions: config.REQUEST_TOPIC_PARTITIONS,
      replicationFactor: config.KAFKA_REPLICATION_FACTOR,
      retentionMs: config.REQUEST_TOPIC_RETENTION_MS,
    },
  ]);
  app.connectMicroservice({ strategy: app.get(OrderConsumerServer) }, { inheritAppConfig: true });
  await app.startAllMicroservices();
  await app.listen(config.PORT);
  new Logger('pos-worker').log(
    `brand ${config.BRAND} on ${integration.name}: consuming ${orderRequestTopic(config.BRAND)}, HTTP on ${await app.getUrl()}`,
  );
}

installCrashHandlers();
bootstrap().catch(crash);
