export { ledgerIntegration } from './ledger/ledger-integration';
export { httpIntegration } from './http/http-integration';
