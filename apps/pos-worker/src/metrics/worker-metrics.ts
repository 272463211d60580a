import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';

/** The worker's Prometheus metrics, served at `GET /metrics`. */
export class WorkerMetrics {
  readonly registry = new Registry();

  readonly orders = new Counter({
    name: 'pos_worker_orders_total',
    help: 'Orders processed, by brand and outcome (accepted or SPI error code)',
    labelNames: ['brand', 'outcome'] as const,
    registers: [this.registry],
  });

  readonly expired = new Counter({
    name: 'pos_worker_expired_requests_total',
    help: 'Requests that arrived with too little of their budget left to start: answered from the ledger, or endpoint_down',
    labelNames: ['brand'] as const,
    registers: [this.registry],
  });

  readonly posCalls = new Histogram({
    name: 'pos_worker_pos_call_seconds',
    help: 'Calls of the POS integration, by brand, integration and outcome (accepted, failed, abandoned)',
    labelNames: ['brand', 'integration', 'outcome'] as const,
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
    registers: [this.registry],
  });

  readonly processing = new Histogram({
    name: 'pos_worker_order_seconds',
    help: 'Time from taking an order off Kafka to its answer, by brand, integration and outcome',
    labelNames: ['brand', 'integration', 'outcome'] as const,
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
    registers: [this.registry],
  });

  readonly voids = new Counter({
    name: 'pos_worker_late_orders_total',
    help: 'Voids of orders Wix was not told the id of: voided, or in doubt when voiding failed',
    labelNames: ['brand', 'outcome'] as const,
    registers: [this.registry],
  });

  readonly inDoubt = new Gauge({
    name: 'pos_worker_orders_in_doubt',
    help: 'Orders the POS may hold while Wix may think otherwise, for a human to check (docs/order-protocol.md)',
    labelNames: ['brand'] as const,
    registers: [this.registry],
  });

  readonly mappingLookups = new Counter({
    name: 'pos_worker_mapping_lookups_total',
    help: "Reads of an order's rows in the mapping table, by brand and source (cache, database)",
    labelNames: ['brand', 'source'] as const,
    registers: [this.registry],
  });

  constructor() {
    collectDefaultMetrics({ register: this.registry });
  }
}
