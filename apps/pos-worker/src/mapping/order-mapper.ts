import { Inject, Injectable } from '@nestjs/common';
import { WixMenu, WixOrder } from '@wix-pos-gateway/contracts';
import { WorkerConfig } from '../config';
import { callHook } from '../integration/hook-call';
import { LoadedIntegration } from '../integration/pos-integration.provider';
import { ItemMapping, mapOrderItems, orderedItemIds, unofferedChoices } from './item-mapping';
import { MappingTable } from './mapping-table';
import { PosIds } from './pos-ids';
import { WorkerMetrics } from '../metrics/worker-metrics';

/**
 * Maps an order's lines from the restaurant's mapping table, the menu, then the POS itself,
 * once its choices are ones its variations offer.
 */
@Injectable()
export class OrderMapper {
  constructor(
    private readonly table: MappingTable,
    private readonly loaded: LoadedIntegration,
    private readonly config: WorkerConfig,
    @Inject(WorkerMetrics) private readonly metrics: WorkerMetrics,
  ) {}

  async map(brand: string, order: WixOrder, menu: WixMenu, deadline: number): Promise<ItemMapping> {
    // Choices the order's own variations do not offer map to nothing, wherever ids come from;
    // they are listed with the items that map to nothing either.
    const unoffered = unofferedChoices(order.orderItems);
    const mapping = await this.posIdsOf(brand, order, menu, deadline);
    if (unoffered.length === 0) return mapping;
    return { ok: false, problems: [...unoffered, ...(mapping.ok ? [] : mapping.problems)] };
  }

  private async posIdsOf(
    brand: string,
    order: WixOrder,
    menu: WixMenu,
    deadline: number,
  ): Promise<ItemMapping> {
    const ids = orderedItemIds(order.orderItems);
    const table = await this.table.find(brand, order.restaurantId, ids);
    this.metrics.mappingLookups.inc({ brand, source: table.cached ? 'cache' : 'database' });
    let posIds = new PosIds(this.config.integration.externalIdKey, table.rows);
    let mapping = mapOrderItems(order.orderItems, menu.items, posIds);
    if (!mapping.ok && table.cached) {
      // A row imported a moment ago may not have reached the cache yet: no error from it.
      const rows = await this.table.lookup(brand, order.restaurantId, ids);
      this.metrics.mappingLookups.inc({ brand, source: 'database' });
      posIds = new PosIds(this.config.integration.externalIdKey, rows);
      mapping = mapOrderItems(order.orderItems, menu.items, posIds);
    }
    const { integration } = this.loaded;
    if (mapping.ok || !integration.resolveMappings) return mapping;

    // Only what nothing maps: an item refused for its id (listed twice apart, too long) is not.
    const unmapped = new Set(mapping.problems.map((problem) => problem.itemId));
    const items = menu.items.filter(
      (item) => unmapped.has(item.id) && posIds.of(item) === undefined,
    );
    if (items.length === 0) return mapping;
    const resolved = await callHook('resolveMappings', deadline - Date.now(), (signal) =>
      integration.resolveMappings!(
        { restaurantId: order.restaurantId, items },
        { signal, log: this.loaded.log },
      ),
    );
    const found = Object.entries(resolved ?? {}).filter(
      (entry): entry is [string, string] => typeof entry[1] === 'string' && entry[1] !== '',
    );
    return mapOrderItems(order.orderItems, menu.items, posIds.withPosMappings(new Map(found)));
  }
}
