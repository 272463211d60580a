/** A brand names one POS integration, e.g. `demo`; it is part of topic and group names. */
export const BRAND_PATTERN = /^[a-z0-9][a-z0-9_-]{0,47}$/;

export function isBrand(value: string): boolean {
  return BRAND_PATTERN.test(value);
}

/** Where the gateway sends a brand's orders; keyed by restaurant id. */
/**
 * The largest message a brand's order topic takes (its `max.message.bytes`): a whole menu
 * travels with every order, and a broker's default of 1 MB is less than a big menu.
 */
export const ORDER_MESSAGE_MAX_BYTES = 16 * 1024 * 1024;

/**
 * The most an order's message and its sealed cards may weigh together: the topic's limit less
 * room for the record's key, its other headers and the batch around it.
 */
export const ORDER_PAYLOAD_MAX_BYTES = ORDER_MESSAGE_MAX_BYTES - 1024 * 1024;

export function orderRequestTopic(brand: string): string {
  return `pos.orders.${brand}.v1`;
}

/** The consumer group shared by every worker process of one brand. */
export function workerGroupId(brand: string): string {
  return `pos-worker.${brand}.v1`;
}

/** Where workers send their answers; every gateway instance reads it in a group of its own. */
export const ORDER_REPLY_TOPIC = 'pos.order-replies.v1';

/** Each gateway instance's own reply consumer group (see docs/architecture.md, "Request/reply over Kafka"). */
export function gatewayReplyGroupId(instanceId: string): string {
  return `pos-gateway.${instanceId}.replies.v1`;
}

/** The pattern a worker's order handler is bound to, whatever the brand's topic is called. */
export const SUBMIT_ORDER_PATTERN = 'pos.order.submit';
