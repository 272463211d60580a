import { GatewayEnv } from '../../apps/gateway/src/config';
import { WorkerEnv } from '../../apps/pos-worker/src/config';
import { HTTP_POS_SETTINGS, KITCHEN_INBOX_SETTINGS } from '@wix-pos-gateway/integrations';
import type { Settings } from '@wix-pos-gateway/pos-sdk';

/**
 * One process's (or integration's) variables and the files that declare them: an app's config
 * class, or an integration's settings (`readIntegrationConfig`), the constant `constant`.
 */
export interface ConfigSource {
  title: string;
  intro: string;
  shape: (new () => object) | { constant: string; settings: Settings };
  /** The declaring file first, then the files of the classes it extends. */
  files: string[];
  /** Where its `.env.example` goes, next to the config. */
  envExample?: string;
}

const KAFKA_ENV = 'libs/config/src/kafka-env.ts';

export const CONFIG_SOURCES: ConfigSource[] = [
  {
    title: 'Gateway',
    intro: 'The webhook Wix calls (`apps/gateway`).',
    shape: GatewayEnv,
    files: ['apps/gateway/src/config.ts', KAFKA_ENV],
    envExample: 'apps/gateway/.env.example',
  },
  {
    title: 'POS worker',
    intro:
      "One brand's orders from Kafka to its POS (`apps/pos-worker`); the integration it loads reads its own variables, below.",
    shape: WorkerEnv,
    files: ['apps/pos-worker/src/config.ts', KAFKA_ENV],
    envExample: 'apps/pos-worker/.env.example',
  },
  {
    title: '`kitchen-inbox` integration',
    intro:
      'Read by the worker when `POS_INTEGRATION=kitchen-inbox` (the default). The names before it was renamed (`LEDGER_*`) still work for one release, with a warning.',
    shape: { constant: 'KITCHEN_INBOX_SETTINGS', settings: KITCHEN_INBOX_SETTINGS },
    files: ['libs/integrations/src/kitchen-inbox/kitchen-inbox-config.ts'],
  },
  {
    title: '`http` integration',
    intro: 'Read by the worker when `POS_INTEGRATION=http`.',
    shape: { constant: 'HTTP_POS_SETTINGS', settings: HTTP_POS_SETTINGS },
    files: ['libs/integrations/src/http/http-config.ts'],
  },
];
