import { DynamicModule, Inject, Module, OnApplicationShutdown } from '@nestjs/common';
import { orderRequestTopic, workerGroupId } from '@app/contracts';
import { KafkaProbe, OrderConsumerServer, createKafka } from '@app/kafka';
import { SqlDatabase } from '@app/database';
import { TerminusModule } from '@nestjs/terminus';
import { Kafka } from 'kafkajs';
import { WorkerConfig } from './config';
import { HealthController } from './health/health.controller';
import { LoadedIntegration } from './integration/pos-integration.provider';
import { DATABASE_POOL } from './ledger/database';
import { OrderLedger } from './ledger/order-ledger';
import { OrderLookup } from './ledger/order-lookup';
import { OperatorGuard, OrdersLookupController } from './operator/orders-lookup.controller';
import { MappingTable } from './mapping/mapping-table';
import { OrderMapper } from './mapping/order-mapper';
import { WorkerMetrics } from './metrics/worker-metrics';
import { OrdersController } from './orders/orders.controller';
import { CardVault } from './orders/card-vault';
import { PlaceOrderService } from './orders/place-order.service';
import { SubmitOrderService } from './orders/submit-order.service';
import { UnsettledOrders } from './orders/unsettled-orders';

@Module({ imports: [TerminusModule] })
export class WorkerModule implements OnApplicationShutdown {
  constructor(
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
        UnsettledOrders,
        MappingTable,
        { provide: DATABASE_POOL, useValue: database },
        {
          provide: KafkaProbe,
          useFactory: () => new KafkaProbe(config.kafkaBrokers, `pos-worker-${config.BRAND}`),
        },
        {
          provide: Kafka,
          useFactory: () =>
            createKafka(`pos-worker-${config.BRAND}`, config.kafkaBrokers, config.LOG_LEVEL),
        },
        {
          provide: OrderConsumerServer,
          inject: [Kafka, WorkerMetrics, PlaceOrderService],
          useFactory: (kafka: Kafka, metrics: WorkerMetrics, placeOrder: PlaceOrderService) =>
            new OrderConsumerServer(
              kafka,
              {
                brand: config.BRAND,
                topic: orderRequestTopic(config.BRAND),
                groupId: workerGroupId(config.BRAND),
                maxInFlight: config.WORKER_MAX_IN_FLIGHT,
                maxWaitTimeInMs: config.KAFKA_MAX_WAIT_MS,
                sessionTimeoutMs: config.KAFKA_SESSION_TIMEOUT_MS,
              },
              {
                expired: async ({ correlationId, wixOrderId }) => {
                  metrics.expired.inc({ brand: config.BRAND });
                  if (!wixOrderId) return undefined;
                  return placeOrder.recall(config.BRAND, wixOrderId, correlationId);
                },
                // kafkajs gave up: exit, so that the supervisor starts a fresh worker.
                crashed: () => process.exit(1),
                voidRequested: ({ wixOrderId, correlationId }) =>
                  placeOrder.voidUnanswered(
                    config.BRAND,
                    wixOrderId,
                    'the gateway had answered Wix before the acceptance reached it',
                    { correlationId, requireFresh: false },
                  ),
                unanswered: async ({ wixOrderId, correlationId, reason }) => {
                  if (!wixOrderId) return;
                  const unanswered = { correlationId, requireFresh: true };
                  await placeOrder.voidUnanswered(config.BRAND, wixOrderId, reason, unanswered);
                },
              },
            ),
        },
      ],
    };
  }

  async onApplicationShutdown(): Promise<void> {
    await this.probe.close();
    await this.loaded.integration.close?.();
    await this.pool.end();
  }
}
