import { DynamicModule, Inject, Module, OnApplicationShutdown } from '@nestjs/common';
import { SUBMIT_ORDER_PATTERN, orderRequestTopic, workerGroupId } from '@wix-pos-gateway/contracts';
import { KafkaProbe, OrderConsumerServer, createKafka } from '@wix-pos-gateway/kafka';
import { SqlDatabase } from '@wix-pos-gateway/database';
import { TerminusModule } from '@nestjs/terminus';
import { Kafka } from 'kafkajs';
import { WorkerConfig } from './config';
import { HealthController } from './health/health.controller';
import { LoadedIntegration } from './integration/pos-integration.provider';
import { DATABASE_POOL } from './ledger/database';
import { OrderLedger } from './ledger/order-ledger';
import { OrderLookup } from './ledger/order-lookup';
import { OperatorGuard, OrdersLookupController } from './operator/orders-lookup.controller';
import { MappingCache } from './mapping/mapping-cache';
import { MappingListener } from './mapping/mapping-listener';
import { MappingTable } from './mapping/mapping-table';
import { OrderMapper } from './mapping/order-mapper';
import { WorkerMetrics } from './metrics/worker-metrics';
import { OrdersController } from './orders/orders.controller';
import { CardVault } from './orders/card-vault';
import { PlaceOrderService } from './orders/place-order.service';
import { SubmitOrderService } from './orders/submit-order.service';
import {
  ANSWERS_FETCH_MIN_BYTES,
  ANSWERS_FETCH_WAIT_MS,
  AnswersConsumer,
} from './orders/answers-consumer';
import { AnswersProof } from './orders/answers-proof';
import { toSpiFailure } from './orders/order-errors';
import { Reconciler } from './orders/reconciler';

/** How far apart the gateway's and the worker's clocks may be before budgets shrink. */
const CLOCK_SLACK_MS = 250;

@Module({ imports: [TerminusModule] })
export class WorkerModule implements OnApplicationShutdown {
  constructor(
    private readonly answers: AnswersConsumer,
    @Inject(DATABASE_POOL) private readonly pool: SqlDatabase,
    private readonly loaded: LoadedIntegration,
    private readonly probe: KafkaProbe,
  ) {}

  /** The worker core for one brand, around the brand's integration. */
  static forRoot(
    config: WorkerConfig,
    integration: LoadedIntegration,
    database: SqlDatabase,
  ): DynamicModule {
    return {
      module: WorkerModule,
      controllers: [OrdersController, HealthController, OrdersLookupController],
      providers: [
        { provide: WorkerConfig, useValue: config },
        { provide: LoadedIntegration, useValue: integration },
        WorkerMetrics,
        OrderLedger,
        OrderLookup,
        OperatorGuard,
        OrderMapper,
        PlaceOrderService,
        CardVault,
        SubmitOrderService,
        { provide: MappingCache, useValue: new MappingCache() },
        MappingListener,
        MappingTable,
        { provide: DATABASE_POOL, useValue: database },
        {
          provide: KafkaProbe,
          useFactory: () =>
            new KafkaProbe(config.kafka.brokers, config.kafka.clientId, config.kafka.security),
        },
        {
          provide: Kafka,
          useFactory: () =>
            createKafka(
              config.kafka.clientId,
              config.kafka.brokers,
              config.logLevel,
              config.kafka.security,
            ),
        },
        {
          provide: AnswersProof,
          inject: [Kafka],
          useFactory: (kafka: Kafka) => new AnswersProof(kafka, config.brand),
        },
        Reconciler,
        {
          provide: AnswersConsumer,
          inject: [Kafka, OrderLedger, Reconciler],
          useFactory: (kafka: Kafka, ledger: OrderLedger, reconciler: Reconciler) =>
            new AnswersConsumer(
              kafka,
              ledger,
              config.brand,
              {
                maxWaitTimeInMs: ANSWERS_FETCH_WAIT_MS,
                minBytes: ANSWERS_FETCH_MIN_BYTES,
                sessionTimeoutMs: config.kafka.sessionTimeoutMs,
              },
              (marked) => reconciler.rejudge(marked),
            ),
        },
        {
          provide: OrderConsumerServer,
          inject: [Kafka],
          useFactory: (kafka: Kafka) =>
            new OrderConsumerServer(
              kafka,
              {
                brand: config.brand,
                topic: orderRequestTopic(config.brand),
                groupId: workerGroupId(config.brand),
                pattern: SUBMIT_ORDER_PATTERN,
                maxInFlight: config.orders.maxInFlight,
                maxWaitTimeInMs: config.kafka.maxWaitMs,
                sessionTimeoutMs: config.kafka.sessionTimeoutMs,
                clockSlackMs: CLOCK_SLACK_MS,
              },
              { failed: (error) => toSpiFailure(error) },
            ),
        },
      ],
    };
  }

  async onApplicationShutdown(): Promise<void> {
    await this.answers.close();
    await this.probe.close();
    await this.loaded.integration.close?.();
    await this.pool.end();
  }
}
