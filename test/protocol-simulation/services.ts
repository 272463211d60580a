import { SpiResponse } from '@wix-pos-gateway/contracts';
import {
  CancelResult,
  OrderRecord,
  onCancelled,
} from '../../apps/pos-worker/src/lifecycle/order-lifecycle';
import { Broker } from './broker';
import { Ledger } from './ledger';
import { Pos } from './pos';
import { Process } from './process';
import { Sim } from './sim';

/** An order request as a worker reads it from Kafka. */
export interface OrderRequest {
  brand: string;
  wixOrderId: string;
  correlationId: string;
  gateway: number;
  /** What was left of the gateway's budget when it sent the request. */
  budgetMs: number;
}

/** What the workers share. */
export interface Services {
  sim: Sim;
  ledger: Ledger;
  pos: Pos;
  broker: Broker;
  reply(request: OrderRequest, response: SpiResponse): void;
}

/** Voids the POS order of `record`'s attempt by its key, then records the outcome. */
export function voidAtPos(s: Services, caller: Process, key: string, record: OrderRecord): void {
  const settle = (result: CancelResult): void => {
    s.ledger.read(caller, key, (read) => {
      if (read === 'error' || !read.stored) return;
      const next = onCancelled(read.stored.record, record.attempt, result, read.now);
      if (!next) return;
      s.ledger.write(caller, key, read.stored.version, next, (written) => {
        if (written === 'conflict') settle(result);
      });
    });
  };
  // An integration without `cancelOrder`: nothing is sent to the POS.
  if (s.sim.scenario.posCannotVoid) return settle('unsupported');
  s.pos.cancel(caller, record.idempotencyKey, (voided) => settle(voided ? 'voided' : 'failed'));
}
