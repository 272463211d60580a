import { Injectable } from '@nestjs/common';
import { WixMenu, WixOrder } from '@wix-pos-gateway/contracts';
import { WorkerConfig } from '../config';
import { callHook } from '../integration/hook-call';
import { LoadedIntegration } from '../integration/pos-integration.provider';
import { ItemMapping, mapOrderItems, orderedItemIds } from './item-mapping';
import { MappingTable } from './mapping-table';
import { PosIds } from './pos-ids';

/** Maps an order's lines from the restaurant's mapping table, the menu, then the POS itself. */
@Injectable()
export class OrderMapper {
  constructor(
    private readonly table: MappingTable,
    private readonly loaded: LoadedIntegration,
    private readonly config: WorkerConfig,
  ) {}

  async map(brand: string, order: WixOrder, menu: WixMenu, deadline: number): Promise<ItemMapping> {
    const rows = await this.table.lookup(
      brand,
      order.restaurantId,
      orderedItemIds(order.orderItems),
    );
    const posIds = new PosIds(this.config.integration.externalIdKey, rows);
    const mapping = mapOrderItems(order.orderItems, menu.items, posIds);
    const { integration } = this.loaded;
    if (mapping.ok || !integration.resolveMappings) return mapping;

    const unmapped = new Set(mapping.problems.map((problem) => problem.itemId));
    const items = menu.items.filter((item) => unmapped.has(item.id));
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
