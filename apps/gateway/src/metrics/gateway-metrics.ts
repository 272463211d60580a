import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';

const SECONDS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 8, 10];

/** The gateway's Prometheus metrics, served at `GET /metrics`. Brand is `unknown` for brands no worker serves. */
export class GatewayMetrics {
  readonly registry = new Registry();

  readonly orders = new Counter({
    name: 'pos_gateway_orders_total',
    help: 'Webhook calls answered, by brand and outcome (accepted or SPI error code)',
    labelNames: ['brand', 'outcome'] as const,
    registers: [this.registry],
  });

  readonly latency = new Histogram({
    name: 'pos_gateway_order_seconds',
    help: 'From the webhook call arriving to its answer, by brand and outcome',
    labelNames: ['brand', 'outcome'] as const,
    buckets: SECONDS,
    registers: [this.registry],
  });

  readonly inFlight = new Gauge({
    name: 'pos_gateway_in_flight_orders',
    help: 'Webhook calls being answered now',
    registers: [this.registry],
  });

  readonly deadlineMisses = new Counter({
    name: 'pos_gateway_deadline_misses_total',
    help: 'Calls answered endpoint_down because no worker replied before the deadline',
    labelNames: ['brand'] as const,
    registers: [this.registry],
  });

  readonly shed = new Counter({
    name: 'pos_gateway_shed_total',
    help: 'Calls answered endpoint_down at once because the brand had MAX_IN_FLIGHT_PER_BRAND in flight',
    labelNames: ['brand'] as const,
    registers: [this.registry],
  });

  readonly overloadShed = new Counter({
    name: 'pos_gateway_overload_shed_total',
    help: 'Calls answered endpoint_down before their body was read: the gateway itself was saturated (MAX_EVENT_LOOP_UTILIZATION)',
    registers: [this.registry],
  });

  readonly decisions = new Counter({
    name: 'pos_gateway_decisions_total',
    help: 'Worker acceptances, by whether their decision was recorded on the answers topic before the deadline (recorded, not_recorded)',
    labelNames: ['brand', 'outcome'] as const,
    registers: [this.registry],
  });

  readonly withdrawals = new Counter({
    name: 'pos_gateway_withdrawals_total',
    help: 'Decisions withdrawn after their acknowledgement came too late, by whether the withdrawal was written (written, failed)',
    labelNames: ['brand', 'outcome'] as const,
    registers: [this.registry],
  });

  readonly replies = new Histogram({
    name: 'pos_gateway_kafka_reply_seconds',
    help: "From producing an order to Kafka to its worker's reply, by brand",
    labelNames: ['brand'] as const,
    buckets: SECONDS,
    registers: [this.registry],
  });

  constructor() {
    collectDefaultMetrics({ register: this.registry });
  }
}
