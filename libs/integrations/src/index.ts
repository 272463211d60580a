export { kitchenInboxIntegration } from './kitchen-inbox/kitchen-inbox-integration';
export { httpIntegration } from './http/http-integration';
