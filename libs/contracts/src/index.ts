export * from './spi/spi-response';
export * from './spi/wix-order.dto';
export type { WixMenu, WixMenuItem, WixOrder, WixOrderLine } from '@wix-pos-gateway/pos-sdk';
export * from './spi/validate-order';
export * from './spi/json-guard';
export * from './kafka/topics';
export * from './kafka/headers';
export * from './kafka/order-request';
export * from './kafka/order-answers';
