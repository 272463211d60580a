import 'reflect-metadata';
import { serveOpenApi } from '@wix-pos-gateway/openapi';
import { crash, createLogger, installCrashHandlers } from '@wix-pos-gateway/runtime';
import {
  ORDER_MESSAGE_MAX_BYTES,
  orderAnswersTopic,
  orderRequestTopic,
} from '@wix-pos-gateway/contracts';
import { OrderConsumerServer, ensureTopics, untilKafkaAnswers } from '@wix-pos-gateway/kafka';
import { Logger } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { Kafka } from 'kafkajs';
import { loadWorkerConfig } from './config';
import { OpsExceptionFilter } from './ops-exception.filter';
import { workerOpenApi } from './openapi';
import { AnswersConsumer } from './orders/answers-consumer';
import { Reconciler } from './orders/reconciler';
import { openWorkerCore } from './worker-core';

const ANSWERS_RETENTION_MS = 7 * 24 * 3600_000;

/** A POS worker for one brand: consumes the brand's orders, serves health and metrics on HTTP. */
async function bootstrap(): Promise<void> {
  const config = loadWorkerConfig(process.env);
  const logger = createLogger(config.logLevel);
  Logger.overrideLogger(logger);
  const { module, integration } = await openWorkerCore(config, logger, process.env);
  // No route reads a body: one is not parsed, and no parser's message quotes it.
  const app = await NestFactory.create(module, { logger, bodyParser: false });
  app.enableShutdownHooks();
  app.useGlobalFilters(new OpsExceptionFilter(app.getHttpAdapter()));

  const retries = { warn: (message: string) => new Logger('pos-worker').warn(message) };
  await untilKafkaAnswers(
    'topics',
    () =>
      ensureTopics(app.get(Kafka), [
        {
          topic: orderRequestTopic(config.brand),
          partitions: config.topics.partitions,
          replicationFactor: config.kafka.replicationFactor,
          minInsyncReplicas: config.kafka.minInsyncReplicas,
          retentionMs: config.topics.retentionMs,
          maxMessageBytes: ORDER_MESSAGE_MAX_BYTES,
        },
        {
          // The protocol's decisions: kept well past any order's settle time.
          topic: orderAnswersTopic(config.brand),
          partitions: config.topics.partitions,
          replicationFactor: config.kafka.replicationFactor,
          minInsyncReplicas: config.kafka.minInsyncReplicas,
          retentionMs: ANSWERS_RETENTION_MS,
        },
      ]),
    retries,
  );
  // The protocol's other half: recorded answers into the ledger, and their reconciliation. A
  // topic just created may not have reached every broker yet: a subscription it refuses is
  // tried again.
  const answers = app.get(AnswersConsumer);
  await untilKafkaAnswers('answers consumer', () => answers.start(), retries);
  app.get(Reconciler).start();
  serveOpenApi(app, workerOpenApi(app));
  app.connectMicroservice({ strategy: app.get(OrderConsumerServer) }, { inheritAppConfig: true });
  await app.startAllMicroservices();
  await app.listen(config.port);
  new Logger('pos-worker').log(
    `brand ${config.brand} on ${integration.name}: consuming ${orderRequestTopic(config.brand)}, HTTP on ${await app.getUrl()}`,
  );
}

installCrashHandlers();
bootstrap().catch(crash);
