import { PosIntegration, PosLog, PosOrder, PosUnavailableError } from '@wix-pos-gateway/pos-sdk';
import { loadWorkerConfig } from '../../config';
import { LoadedIntegration } from '../../integration/pos-integration.provider';
import { OrderLedger } from '../../ledger/order-ledger';
import { OrderMapper } from '../../mapping/order-mapper';
import { WorkerMetrics } from '../../metrics/worker-metrics';
import { AnswersProof } from '../answers-proof';
import { CardVault } from '../card-vault';
import { PlaceOrderService } from '../place-order.service';
import { Reconciler } from '../reconciler';
import { SubmitOrderService } from '../submit-order.service';
import { FakeLedger } from './fake-ledger';

const quiet: PosLog = { info: () => undefined, warn: () => undefined, error: () => undefined };

/** A POS in memory: orders by idempotency key, tombstones for voids, and knobs for faults. */
export class FakePos implements PosIntegration {
  readonly orders = new Map<string, { id: string; live: boolean }>();
  readonly voided = new Set<string>();
  submits = 0;
  /** Each create waits this long (ignoring its signal when `ignoreSignal`). */
  delayMs = 0;
  ignoreSignal = false;
  /** The next create fails with this, once. */
  failNext?: Error;
  cancelFails = false;
  /** Creates take the order but answer with no id. */
  answerWithoutId = false;

  async submitOrder(order: PosOrder, { signal }: { signal: AbortSignal }) {
    this.submits += 1;
    if (this.delayMs > 0) await wait(this.delayMs, this.ignoreSignal ? undefined : signal);
    const failure = this.failNext;
    this.failNext = undefined;
    if (failure) throw failure;
    if (this.voided.has(order.idempotencyKey)) {
      throw new PosUnavailableError('that key was voided');
    }
    let held = this.orders.get(order.idempotencyKey);
    if (!held) {
      held = { id: `P-${this.orders.size + 1}`, live: true };
      this.orders.set(order.idempotencyKey, held);
    }
    return { posOrderId: this.answerWithoutId ? '' : held.id };
  }

  cancelOrder({ idempotencyKey }: { idempotencyKey: string }): Promise<void> {
    if (this.cancelFails) return Promise.reject(new Error('the POS cannot be reached'));
    this.voided.add(idempotencyKey);
    const held = this.orders.get(idempotencyKey);
    if (held) held.live = false;
    return Promise.resolve();
  }

  live(): number {
    return [...this.orders.values()].filter((o) => o.live).length;
  }
}

function wait(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(resolve, ms);
    signal?.addEventListener('abort', () => {
      clearTimeout(timer);
      reject(new Error('aborted'));
    });
  });
}

/** The worker's order services around fakes: a ledger in memory, a POS in memory, a proof. */
export function newTestServices(env: Record<string, string> = {}) {
  const config = loadWorkerConfig({ BRAND: 'test', ...env });
  const ledger = new FakeLedger();
  const pos = new FakePos();
  const integration: PosIntegration = pos;
  const loaded: LoadedIntegration = { name: 'fake', integration, log: quiet };
  const metrics = new WorkerMetrics();
  const asLedger = ledger as unknown as OrderLedger;
  const placeOrder = new PlaceOrderService(asLedger, loaded, metrics);
  const mapper = {
    map: () => Promise.resolve({ ok: true as const, lines: [] }),
  } as unknown as OrderMapper;
  const submit = new SubmitOrderService(
    asLedger,
    mapper,
    placeOrder,
    new CardVault(config),
    loaded,
    config,
    metrics,
  );
  const proof = {
    proven: true,
    prove: () => Promise.resolve(proof.proven),
    close: () => Promise.resolve(),
  };
  const reconciler = new Reconciler(
    asLedger,
    placeOrder,
    proof as unknown as AnswersProof,
    config,
    metrics,
  );
  return { config, ledger, pos, loaded, metrics, placeOrder, submit, proof, reconciler };
}
