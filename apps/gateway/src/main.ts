import 'reflect-metadata';
import { openApiDocument, serveOpenApi } from '@wix-pos-gateway/openapi';
import { crash, createLogger, installCrashHandlers } from '@wix-pos-gateway/runtime';
import { ORDER_REPLY_TOPIC } from '@wix-pos-gateway/contracts';
import {
  KafkaRequestClient,
  ensureTopics,
  isBrokerUnreachable,
  untilKafkaAnswers,
} from '@wix-pos-gateway/kafka';
import { Logger } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { NestExpressApplication } from '@nestjs/platform-express';
import { Kafka } from 'kafkajs';
import { GatewayConfig, loadGatewayConfig } from './config';
import { GatewayModule } from './gateway.module';
import { TopicDirectory } from './orders/topic-directory';
import { answerClientErrors } from './webhook/client-errors';
import { drainOnClose } from './webhook/drain';

/** The webhook Wix Restaurants calls: HTTP in, request/reply over Kafka to the brand's POS workers. */
async function bootstrap(): Promise<void> {
  const config = loadGatewayConfig(process.env);
  const app = await NestFactory.create<NestExpressApplication>(GatewayModule.forRoot(config), {
    logger: createLogger(config.logLevel),
    bodyParser: false,
    httpsOptions: config.tls.https,
  });
  app.enableShutdownHooks();
  app.disable('x-powered-by');
  // Express hashes every answer for an ETag: orders are POSTs, which no one caches, and the
  // probes, metrics and OpenAPI document are not fetched conditionally.
  app.set('etag', false);

  const logger = new Logger('gateway');
  serveOpenApi(
    app,
    openApiDocument(app, {
      title: 'wix-pos-gateway',
      description:
        'The Wix Restaurants POS SPI webhook, and the health and metrics of the gateway.',
    }),
  );
  const server = app.getHttpServer();
  server.keepAliveTimeout = config.webhook.keepAliveMs;
  answerClientErrors(server, config.orders.deadlineMs);
  drainOnClose(server, config.orders.deadlineMs);
  await app.listen(config.port);
  logger.log(`instance ${config.instanceId} listening on ${await app.getUrl()}`);
  // Kafka after the port: a gateway started while the broker is down answers every call
  // `endpoint_down` (and is not ready) until it is back, as one that was running does.
  void connectKafka(app, config, logger).catch(crash);
  if (config.tls.mode === 'off') {
    logger.log('serving plain HTTP (TLS=off): a TLS-terminating proxy must be in front');
  } else if (!config.tls.https) {
    logger.warn('serving plain HTTP: TLS_CERT_FILE is not set, and Wix calls only HTTPS URLs');
  }
  const auth = config.webhook.auth;
  if (auth.enforced) {
    logger.log(`webhook authentication: ${auth.describe()}`);
  } else {
    logger.warn(
      auth.state === 'none'
        ? 'webhook calls are not authenticated (WEBHOOK_AUTH=none)'
        : 'webhook calls are not authenticated: WEBHOOK_AUTH is not set',
    );
  }
}

/**
 * The reply topic, the topic directory and the reply consumer, each tried until the broker
 * answers: for as long as it cannot be reached, a minute for any other failure.
 */
async function connectKafka(
  app: NestExpressApplication,
  config: GatewayConfig,
  logger: Logger,
): Promise<void> {
  // A broker that cannot be reached yet is waited for however long; other failures (a login
  // or a setting refused) end the process after a minute, for its supervisor to report.
  const retries = {
    keepTrying: isBrokerUnreachable,
    warn: (message: string) => logger.warn(message),
  };
  await untilKafkaAnswers(
    'reply topic',
    () =>
      ensureTopics(app.get(Kafka), [
        {
          topic: ORDER_REPLY_TOPIC,
          partitions: config.replyTopic.partitions,
          replicationFactor: config.kafka.replicationFactor,
          minInsyncReplicas: config.kafka.minInsyncReplicas,
          retentionMs: config.replyTopic.retentionMs,
        },
      ]),
    retries,
  );
  await untilKafkaAnswers('topic directory', () => app.get(TopicDirectory).connect(), retries);
  await untilKafkaAnswers('reply consumer', () => app.get(KafkaRequestClient).connect(), retries);
  logger.log('ready: the reply consumer reads replies');
}

installCrashHandlers();
bootstrap().catch(crash);
