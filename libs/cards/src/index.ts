export * from './payment-card';
export * from './card-checks';
export * from './card-keyring';
export * from './card-text';
export * from './order-masking';
export * from './redact';
export * from './route-message';
export * from './safe-description';
export {
  cardNetwork,
  cardSummary,
  maskPan,
  type CardNetwork,
  type CardSummary,
  type PaymentCard,
} from '@wix-pos-gateway/pos-sdk';
