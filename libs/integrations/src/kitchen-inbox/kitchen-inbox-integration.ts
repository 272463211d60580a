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
  isPosFailure,
  watchPool,
} from '@wix-pos-gateway/pos-sdk';
import { Client, Pool } from 'pg';
import { CardProcessor, TestCardProcessor } from './card-processor';
import { cardPaymentsOf } from './card-payments';
import { inboxFailure, mayHaveRun, serverError } from './inbox-errors';
import { createInbox } from './inbox-schema';
import { lockOrderKey, voidOrderKey } from './inbox-voids';
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
  // A worker tries again while the database cannot be reached: a pool of its own goes first.
  await createInbox(inbox).catch(async (error: unknown) => {
    await own?.end().catch(() => undefined);
    throw error;
  });
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

  /**
   * One statement, `pos_inbox_take`, in its own transaction: it locks the order's key, checks
   * for a void of it, and takes the ticket, or finds the one a retry under the key already has.
   * Its lock waits end at the deadline, and what it wrote is rolled back if it ends past it.
   */
  async submitOrder(order: PosOrder, context: SubmitContext) {
    const paid: PaidPayment[] = [];
    try {
      return await this.place(order, context, paid);
    } catch (error) {
      throw paid.length > 0 ? await this.unpaid(order, error) : error;
    }
  }

  /**
   * A failed order holds no card: when it surely never reached the inbox, what its attempt
   * authorized is voided now, and a retry under its key authorizes again. When it may be there
   * (or that void failed), the worker voids the order by its key, and `cancelOrder` its cards.
   */
  private async unpaid(order: PosOrder, error: unknown): Promise<unknown> {
    const mayExist = isPosFailure(error) && error.orderMayExist;
    if (mayExist || !this.processor) return error;
    const attempt = { brand: order.brand, attemptKey: order.idempotencyKey };
    return this.processor.voidAuthorizations(attempt, false).then(
      () => error,
      (voidError: unknown) =>
        new PosUnavailableError(
          `${error instanceof Error ? error.message : String(error)}; its card payments could ` +
            `not be voided: ${voidError instanceof Error ? voidError.message : String(voidError)}`,
          { orderMayExist: true, cause: error },
        ),
    );
  }

  private async place(order: PosOrder, { deadline }: SubmitContext, payments: PaidPayment[]) {
    await this.pay(order, payments);
    const budgetMs = Math.floor(deadline.getTime() - Date.now());
    if (budgetMs <= 0) {
      throw new PosUnavailableError('the order reached the POS inbox after its deadline');
    }
    const client = await this.pool.connect().catch((error: unknown) => {
      const reason = error instanceof Error ? error.message : String(error);
      throw new PosUnavailableError(`the POS inbox is unreachable: ${reason}`, { cause: error });
    });
    let taken: Taken;
    let broken = false;
    try {
      taken = await this.take(client, order, payments, budgetMs);
    } catch (error) {
      // PostgreSQL's own error: the statement, and with it the order, rolled back. Anything
      // else (the connection lost mid-statement) may have come after its commit: the worker
      // voids by key.
      broken = !serverError(error);
      throw inboxFailure(error, { orderMayExist: broken });
    } finally {
      client.release(broken);
    }
    if (taken.voided) throw new PosError('the order was voided before it reached the POS inbox');
    if (taken.ticket === null) throw new Error('the POS inbox gave the order no ticket');
    return { posOrderId: String(taken.ticket) };
  }

  /**
   * Authorizes each card payment, once per payment whatever the retries (its idempotency key),
   * into `paid` as it goes.
   */
  private async pay(order: PosOrder, paid: PaidPayment[]): Promise<void> {
    const payments = cardPaymentsOf(order);
    if (payments.length === 0) return;
    const processor = this.processor;
    if (!processor)
      throw new PosError('this POS does not clear cards (KITCHEN_INBOX_CARD_PROCESSOR=none)');
    for (const { index, token, amount, card } of payments) {
      const authorizationId = await processor
        .authorize({
          idempotencyKey: `${order.idempotencyKey}:payment-${index}`,
          attemptKey: order.idempotencyKey,
          brand: order.brand,
          wixOrderId: order.wixOrderId,
          amount,
          currency: typeof order.wixOrder.currency === 'string' ? order.wixOrder.currency : '',
          card,
        })
        .catch((error: unknown) => {
          // A statement cut off mid-way may have authorized: the worker voids the attempt for good.
          throw inboxFailure(error, { orderMayExist: mayHaveRun(error) });
        });
      paid.push({ token, amount, authorizationId, card: cardSummary(card) });
    }
  }

  /**
   * Voids the key's order, and refuses a create of the key that comes later; then the card
   * payments authorized under the key, refusing those that come later too.
   */
  async cancelOrder({ brand, idempotencyKey }: { brand: string; idempotencyKey: string }) {
    await this.voidOrder(brand, idempotencyKey);
    await this.processor?.voidAuthorizations({ brand, attemptKey: idempotencyKey }, true);
  }

  private async voidOrder(brand: string, idempotencyKey: string) {
    const client = await this.pool.connect();
    let broken = false;
    try {
      await client.query('BEGIN');
      await lockOrderKey(client, brand, idempotencyKey);
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

  /** The order's take: see `pos_inbox_take` in the inbox's schema. */
  private async take(
    client: SqlClient,
    order: PosOrder,
    payments: PaidPayment[],
    budgetMs: number,
  ) {
    const { rows } = await takeTicket(client, [
      order.brand,
      order.restaurantId,
      order.wixOrderId,
      order.idempotencyKey,
      JSON.stringify(order.lines),
      JSON.stringify(order.wixOrder),
      order.receivedAt,
      JSON.stringify(payments),
      budgetMs,
    ]);
    return rows[0];
  }
}

const TAKE_TICKET = `SELECT was_voided AS voided, taken_ticket AS ticket
  FROM pos_inbox_take($1, $2, $3, $4, $5, $6, $7, $8, $9)`;

interface Taken {
  voided: boolean;
  ticket: number | null;
}

/** The take, prepared once per connection on PostgreSQL; as text on the embedded store. */
function takeTicket(client: SqlClient, values: unknown[]) {
  return client instanceof Client
    ? client.query<Taken>({ name: 'pos_inbox.take', text: TAKE_TICKET, values })
    : client.query<Taken>(TAKE_TICKET, values);
}
