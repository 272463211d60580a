import {
  PosIntegration,
  CardSummary,
  PosError,
  PosOrder,
  cardSummary,
  PosUnavailableError,
  SqlClient,
  SqlDatabase,
  SubmitContext,
  definePosIntegration,
  watchPool,
} from '@wix-pos-gateway/pos-sdk';
import { Client, Pool } from 'pg';
import { CardProcessor, TestCardProcessor } from './card-processor';
import { cardPaymentsOf } from './card-payments';
import { inboxFailure } from './inbox-errors';
import { createInbox } from './inbox-schema';
import { beginLocked, voidOrderKey } from './inbox-voids';
import { readKitchenInboxConfig } from './kitchen-inbox-config';

/**
 * The built-in POS: an inbox in PostgreSQL that a kitchen screen reads. Each order gets the
 * restaurant's next ticket number ("1", "2", …), what a kitchen reads out.
 */
export const kitchenInboxIntegration = definePosIntegration(async ({ env, log, database }) => {
  const config = readKitchenInboxConfig(env, log);
  const own = config.KITCHEN_INBOX_DATABASE_URL
    ? new Pool({
        connectionString: config.KITCHEN_INBOX_DATABASE_URL,
        max: config.KITCHEN_INBOX_POOL_SIZE,
        connectionTimeoutMillis: 2_000,
        // No statement may hold an order forever; each transaction sets its own, shorter, limit.
        statement_timeout: 5_000,
        query_timeout: 6_000,
        keepAlive: true,
      })
    : undefined;
  if (own) watchPool(own, (error) => log.warn('inbox.connection_lost', { error: error.message }));
  const inbox = (own as SqlDatabase | undefined) ?? database;
  await createInbox(inbox);
  const processor =
    config.KITCHEN_INBOX_CARD_PROCESSOR === 'test' ? new TestCardProcessor(inbox) : undefined;
  return new KitchenInbox(inbox, processor, own);
});

/** A card payment as the inbox keeps it: masked, with its authorization. */
interface PaidPayment {
  token: string;
  amount: number;
  authorizationId: string;
  card: CardSummary;
}

class KitchenInbox implements PosIntegration {
  constructor(
    private readonly pool: SqlDatabase,
    private readonly processor?: CardProcessor,
    /** A pool of the inbox's own, closed with the integration; the worker's is not. */
    private readonly own?: Pool,
  ) {}

  async submitOrder(order: PosOrder, { signal, deadline }: SubmitContext) {
    const payments = await this.pay(order);
    const client = await this.pool.connect().catch((error: unknown) => {
      const reason = error instanceof Error ? error.message : String(error);
      throw new PosUnavailableError(`the POS inbox is unreachable: ${reason}`, { cause: error });
    });
    let broken = false;
    try {
      // Past the deadline PostgreSQL cancels the statement and the order is rolled back.
      const budget = deadline.getTime() - Date.now();
      await beginLocked(client, order.brand, order.idempotencyKey, budget);
      const { ticket, voided } = await this.take(client, order, payments);
      if (voided) throw new PosError('the order was voided before it reached the POS inbox');
      if (ticket === null) throw new Error('the POS inbox gave the order no ticket');
      if (signal.aborted) throw new PosUnavailableError('abandoned at the deadline');
      await client.query('COMMIT').catch((error: unknown) => {
        // The commit may have happened with only its answer lost: the worker voids by key.
        throw inboxFailure(error, { orderMayExist: true });
      });
      return { posOrderId: String(ticket) };
    } catch (error) {
      broken = await client.query('ROLLBACK').then(
        () => false,
        () => true,
      );
      throw inboxFailure(error);
    } finally {
      client.release(broken);
    }
  }

  /** Authorizes each card payment, once per payment whatever the retries (its idempotency key). */
  private async pay(order: PosOrder): Promise<PaidPayment[]> {
    const payments = cardPaymentsOf(order);
    if (payments.length === 0) return [];
    const processor = this.processor;
    if (!processor)
      throw new PosError('this POS does not clear cards (KITCHEN_INBOX_CARD_PROCESSOR=none)');
    const paid: PaidPayment[] = [];
    for (const { index, token, amount, card } of payments) {
      const authorizationId = await processor
        .authorize({
          idempotencyKey: `${order.idempotencyKey}:payment-${index}`,
          brand: order.brand,
          wixOrderId: order.wixOrderId,
          amount,
          currency: typeof order.wixOrder.currency === 'string' ? order.wixOrder.currency : '',
          card,
        })
        .catch((error: unknown) => {
          throw inboxFailure(error);
        });
      paid.push({ token, amount, authorizationId, card: cardSummary(card) });
    }
    return paid;
  }

  /** Voids the key's order, and refuses a create of the key that comes later. */
  async cancelOrder({ brand, idempotencyKey }: { brand: string; idempotencyKey: string }) {
    const client = await this.pool.connect();
    let broken = false;
    try {
      await beginLocked(client, brand, idempotencyKey);
      await voidOrderKey(client, brand, idempotencyKey);
      await client.query('COMMIT');
    } catch (error) {
      broken = await client.query('ROLLBACK').then(
        () => false,
        () => true,
      );
      throw error;
    } finally {
      client.release(broken);
    }
  }

  async checkHealth(): Promise<void> {
    await this.pool.query('SELECT 1');
  }

  async close(): Promise<void> {
    await this.own?.end();
  }

  /**
   * Under the key's lock, in one statement: whether a void of the key came first (then nothing
   * is written), else the order's ticket, the one it already has (a retry under the same key)
   * or the restaurant's next one, taken with the order. The statement starts after the lock is
   * held, so it sees every void committed before.
   */
  private async take(client: SqlClient, order: PosOrder, payments: PaidPayment[]) {
    const { rows } = await takeTicket(client, [
      order.brand,
      order.restaurantId,
      order.wixOrderId,
      order.idempotencyKey,
      JSON.stringify(order.lines),
      JSON.stringify(order.wixOrder),
      order.receivedAt,
      JSON.stringify(payments),
    ]);
    return rows[0];
  }
}

const TAKE_TICKET = `WITH voided AS (
         SELECT EXISTS (SELECT 1 FROM pos_inbox_voids WHERE brand = $1 AND idempotency_key = $4)
           AS voided
       ), existing AS (
         SELECT ticket FROM pos_inbox WHERE brand = $1 AND idempotency_key = $4
       ), next AS (
         INSERT INTO pos_inbox_tickets (brand, restaurant_id, last_ticket)
         SELECT $1, $2, 1 FROM voided
          WHERE NOT voided AND NOT EXISTS (SELECT 1 FROM existing)
         ON CONFLICT (brand, restaurant_id)
           DO UPDATE SET last_ticket = pos_inbox_tickets.last_ticket + 1
         RETURNING last_ticket
       ), taken AS (
         INSERT INTO pos_inbox (brand, restaurant_id, ticket, idempotency_key, wix_order_id,
                                lines, wix_order, received_at, payments)
         SELECT $1, $2, last_ticket, $4, $3, $5, $6, $7, $8 FROM next
         RETURNING ticket
       )
       SELECT voided, (SELECT ticket FROM existing UNION ALL SELECT ticket FROM taken) AS ticket
         FROM voided`;

/** The take, prepared once per connection on PostgreSQL; as text on the embedded store. */
function takeTicket(client: SqlClient, values: unknown[]) {
  type Taken = { voided: boolean; ticket: number | null };
  return client instanceof Client
    ? client.query<Taken>({ name: 'pos_inbox.take', text: TAKE_TICKET, values })
    : client.query<Taken>(TAKE_TICKET, values);
}
