export * from './payment-card';
export * from './card-checks';
export * from './mask';
export * from './card-keyring';
export * from './redact';
export * from './safe-description';
