import {
  ConfigOf,
  PosLog,
  int,
  oneOf,
  optional,
  readIntegrationConfig,
  text,
} from '@wix-pos-gateway/pos-sdk';

/** What the `kitchen-inbox` integration reads from the worker's environment. */
export const KITCHEN_INBOX_SETTINGS = {
  /** A PostgreSQL of the inbox's own; unset: the worker's database (PostgreSQL or embedded). */
  KITCHEN_INBOX_DATABASE_URL: optional(text()),
  /** Connections of the inbox's own pool, when it has a database of its own. */
  KITCHEN_INBOX_POOL_SIZE: int({ default: 5, min: 1, max: 100 }),
  /** `test`: the deterministic test processor; `none`: orders with cards are refused. */
  KITCHEN_INBOX_CARD_PROCESSOR: oneOf(['none', 'test'], { default: 'none' }),
};

export type KitchenInboxConfig = ConfigOf<typeof KITCHEN_INBOX_SETTINGS>;

/** The settings' names before the integration was renamed from `ledger`: read for one release. */
const DEPRECATED = ['DATABASE_URL', 'POOL_SIZE', 'CARD_PROCESSOR'].map((setting) => ({
  variable: `LEDGER_${setting}`,
  use: `KITCHEN_INBOX_${setting}`,
}));

/**
 * The kitchen inbox's settings. A `LEDGER_*` variable stands in for its unset `KITCHEN_INBOX_*`
 * counterpart; either way a deprecated variable that is set gets a warning.
 */
export function readKitchenInboxConfig(
  env: Readonly<Record<string, string | undefined>>,
  log: PosLog,
): KitchenInboxConfig {
  const settings = { ...env };
  for (const { variable, use } of DEPRECATED) {
    if (!env[variable]) continue;
    if (env[use]) {
      log.warn('inbox.deprecated_variable_ignored', { variable, use });
    } else {
      log.warn('inbox.deprecated_variable', { variable, use });
      settings[use] = env[variable];
    }
  }
  return readIntegrationConfig(settings, KITCHEN_INBOX_SETTINGS);
}
