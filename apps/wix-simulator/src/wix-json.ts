/** The SPI body as plain JSON: only the fields the simulator builds or reads are named. */
export type JsonObject = Record<string, unknown>;

export type LocalizedString = Record<string, string>;

export type VariationJson = JsonObject & {
  title: LocalizedString;
  itemIds: string[];
  prices?: Record<string, number>;
};

export type MenuItemJson = JsonObject & {
  id: string;
  title?: LocalizedString;
  price?: number;
  externalIds?: Record<string, string>;
  variations?: VariationJson[];
};

export type MenuSectionJson = JsonObject & {
  id: string;
  title: LocalizedString;
  itemIds?: string[];
  children?: MenuSectionJson[];
};

export type MenuJson = JsonObject & { items: MenuItemJson[]; sections?: MenuSectionJson[] };

export type OrderItemJson = JsonObject & {
  itemId: string;
  price?: number;
  count?: number;
  variations?: VariationJson[];
  variationsChoices?: OrderItemJson[][];
};

export type OrderJson = JsonObject & {
  id: string;
  restaurantId: string;
  currency?: string;
  price?: number;
  orderItems: OrderItemJson[];
  payments?: JsonObject[];
};

export type CardJson = JsonObject & { number: string; csc?: string };

export type SpiRequest = { menu: MenuJson; order: OrderJson; cards?: Record<string, CardJson> };
