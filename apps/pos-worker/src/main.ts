import 'reflect-metadata';
import { crash, createLogger, installCrashHandlers, serveOpenApi } from '@app/config';
import { ORDER_MESSAGE_MAX_BYTES, orderRequestTopic } from '@app/contracts';
import { openDatabase } from '@app/database';
import { OrderConsumerServer, ensureTopics } from '@app/kafka';
import { Logger } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { Kafka } from 'kafkajs';
import { loadWorkerConfig } from './config';
import { loadIntegration } from './integration/load-integration';
import { migrate } from './ledger/migrate';
import { workerOpenApi } from './openapi';
import { WorkerModule } from './worker.module';

/** A POS worker for one brand: consumes the brand's orders, serves health and metrics on HTTP. */
async function bootstrap(): Promise<void> {
  const config = loadWorkerConfig(process.env);
  const logger = createLogger(config.LOG_LEVEL);
  Logger.overrideLogger(logger);
  const database = await openDatabase({
    url: config.DATABASE_URL,
    dataDir: config.DATA_DIR,
    poolSize: config.DATABASE_POOL_SIZE,
    // A broken idle connection (a database restart) is replaced; orders meanwhile answer endpoint_down.
    onIdleError: (error) => logger.warn(`idle database connection lost: ${error.message}`),
  });
  await migrate(database);
  const integration = await loadIntegration(config.POS_INTEGRATION, {
    brand: config.BRAND,
    env: process.env,
    database,
  });
  const app = await NestFactory.create(WorkerModule.forRoot(config, integration, database), {
    logger,
  });
  app.enableShutdownHooks();

  await ensureTopics(app.get(Kafka), [
    {
      topic: orderRequestTopic(config.BRAND),
      partitions: config.REQUEST_TOPIC_PARTITIONS,
      replicationFactor: config.KAFKA_REPLICATION_FACTOR,
      retentionMs: config.REQUEST_TOPIC_RETENTION_MS,
      maxMessageBytes: ORDER_MESSAGE_MAX_BYTES,
    },
  ]);
  serveOpenApi(app, workerOpenApi(app));
  app.connectMicroservice({ strategy: app.get(OrderConsumerServer) }, { inheritAppConfig: true });
  await app.startAllMicroservices();
  await app.listen(config.PORT);
  new Logger('pos-worker').log(
    `brand ${config.BRAND} on ${integration.name}: consuming ${orderRequestTopic(config.BRAND)}, HTTP on ${await app.getUrl()}`,
  );
}

installCrashHandlers();
bootstrap().catch(crash);
