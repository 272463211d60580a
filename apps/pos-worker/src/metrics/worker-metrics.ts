import { Counter, Registry, collectDefaultMetrics } from 'prom-client';

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
    help: 'Requests skipped because their deadline had passed when the worker got to them',
    labelNames: ['brand'] as const,
    registers: [this.registry],
  });

  constructor() {
    collectDefaultMetrics({ register: this.registry });
  }
}
