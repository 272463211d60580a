export { kitchenInboxIntegration } from './kitchen-inbox/kitchen-inbox-integration';
export { httpIntegration } from './http/http-integration';
/** Their settings, for the configuration reference (`npm run docs:config`). */
export { KITCHEN_INBOX_SETTINGS } from './kitchen-inbox/kitchen-inbox-config';
export { HTTP_POS_SETTINGS } from './http/http-config';
