import { SpiResponse } from '@app/contracts';
import { OrderRecord, onCancelled } from '../order-lifecycle';
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
  s.pos.cancel(caller, record.idempotencyKey, function settle(voided: boolean): void {
    s.ledger.read(caller, key, (read) => {
      if (read === 'error' || !read.stored) return;
      const next = onCancelled(read.stored.record, record.attempt, voided, read.now);
      if (!next) return;
      s.ledger.write(caller, key, read.stored.version, next, (written) => {
        if (written === 'conflict') settle(voided);
      });
    });
  });
}
