import type { SchemaObject } from '@nestjs/swagger';

const line: SchemaObject = {
  type: 'object',
  required: ['itemId'],
  properties: {
    itemId: { type: 'string', description: 'an item of `menu.items`' },
    count: { type: 'integer', minimum: 1, default: 1 },
    variationsChoices: {
      type: 'array',
      description: "the choices made in each of the item's variations: order lines, nested",
      items: { type: 'array', items: { type: 'object' } },
    },
  },
};

/** The SPI body Wix POSTs, as far as the gateway checks it; unknown fields are kept. */
export const spiRequestSchema: SchemaObject = {
  type: 'object',
  required: ['menu', 'order'],
  properties: {
    menu: {
      type: 'object',
      required: ['items'],
      properties: {
        items: {
          type: 'array',
          items: {
            type: 'object',
            required: ['id'],
            properties: {
              id: { type: 'string' },
              externalIds: { type: 'object', additionalProperties: { type: 'string' } },
            },
          },
        },
      },
    },
    order: {
      type: 'object',
      required: ['id', 'restaurantId', 'orderItems'],
      properties: {
        id: { type: 'string', description: "Wix's order id" },
        restaurantId: { type: 'string' },
        orderItems: { type: 'array', items: line },
        payments: {
          type: 'array',
          items: {
            type: 'object',
            required: ['type'],
            properties: { type: { type: 'string', description: 'cash, credit, …' } },
          },
        },
      },
    },
    cards: {
      type: 'object',
      description: 'card token → full card, when the POS clears cards (CARD_PAYMENTS=on)',
      additionalProperties: { type: 'object' },
    },
  },
};

/** Every SPI answer: HTTP 200 with the outcome in the body. */
export const spiResponseSchema: SchemaObject = {
  oneOf: [
    {
      type: 'object',
      required: ['value'],
      properties: {
        value: {
          type: 'object',
          required: ['orderId'],
          properties: { orderId: { type: 'string', description: "the POS's order id" } },
        },
      },
    },
    {
      type: 'object',
      required: ['error'],
      properties: {
        error: {
          type: 'object',
          required: ['code', 'description'],
          properties: {
            code: {
              type: 'string',
              enum: ['endpoint_down', 'invalid_item_mapping', 'cc_rejected', 'pos_error'],
            },
            description: { type: 'string' },
          },
        },
      },
    },
  ],
};
