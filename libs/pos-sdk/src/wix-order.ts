/**
 * The part of a Wix order the gateway validates and the worker relies on: everything else Wix
 * sends is kept as it came (`PosOrder.wixOrder`).
 */
export interface WixOrderLine {
  itemId: string;
  count?: number;
  /** `variationsChoices[i]` holds the choices made in the item's i-th variation; choices are lines too. */
  variationsChoices?: WixOrderLine[][];
}

export interface WixOrder {
  id: string;
  restaurantId: string;
  orderItems: WixOrderLine[];
}

export interface WixMenuItem {
  id: string;
  externalIds?: Record<string, unknown>;
}

export interface WixMenu {
  items: WixMenuItem[];
}
