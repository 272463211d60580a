import { WixMenu, WixOrder } from '@wix-pos-gateway/contracts';
import { openDatabase } from '@wix-pos-gateway/database';
import { PosOrder } from '@wix-pos-gateway/pos-sdk';
import { tmpdir } from 'node:os';
import { loadIntegration } from '../../../apps/pos-worker/src/integration/load-integration';
import { mapOrderItems } from '../../../apps/pos-worker/src/mapping/item-mapping';
import { PosIds } from '../../../apps/pos-worker/src/mapping/pos-ids';
import { SpiBody } from '../../../test/support/orders';

/** How the late create ended, for the check's message. */
export type LateCreate = 'refused' | 'accepted';

/**
 * Plays "void before create" on the integration itself, loaded here as the worker loads it
 * and given the worker's environment: `cancelOrder` for a key the POS has never seen, as when
 * the worker abandons a call whose request has not reached the POS yet, then `submitOrder`
 * with that key, as when the request finally arrives. No path through the gateway orders the
 * two like this at will, so the kit calls the integration directly; the harness then counts.
 */
export async function voidThenCreate(
  integrationSpec: string,
  brand: string,
  env: Record<string, string>,
  body: SpiBody,
): Promise<LateCreate> {
  const database = await openDatabase({ url: env.DATABASE_URL, dataDir: tmpdir(), poolSize: 2 });
  const { integration, log } = await loadIntegration(integrationSpec, { brand, env, database });
  try {
    const order = posOrderOf(brand, body);
    if (!integration.cancelOrder) {
      throw new Error('the integration has no cancelOrder: it cannot void an order');
    }
    const signal = AbortSignal.timeout(5_000);
    await integration.cancelOrder(order, { signal, log });
    const context = { signal, deadline: new Date(Date.now() + 5_000), attempt: 1, log };
    return await integration.submitOrder(order, context).then(
      () => 'accepted' as const,
      () => 'refused' as const,
    );
  } finally {
    await integration.close?.();
    await database.end();
  }
}

/** The order as the worker hands it to the integration, under a key of the check's own. */
function posOrderOf(brand: string, body: SpiBody): PosOrder {
  const order = body.order as unknown as WixOrder & Record<string, unknown>;
  const menu = body.menu as unknown as WixMenu;
  const mapping = mapOrderItems(order.orderItems, menu.items, new PosIds('pos'));
  if (!mapping.ok) throw new Error('the void-before-create order must map');
  return {
    brand,
    restaurantId: order.restaurantId,
    wixOrderId: order.id,
    // A prefix of its own: no order's key has it.
    idempotencyKey: `wix-void-first:${brand}:${order.id}`,
    lines: mapping.lines,
    wixOrder: order,
    menu,
    receivedAt: new Date(),
  };
}
