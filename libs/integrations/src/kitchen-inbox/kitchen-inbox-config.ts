import { PosLog, readIntegrationConfig, toInt } from '@app/pos-sdk';
import { Expose, Transform } from 'class-transformer';
import { IsIn, IsInt, IsOptional, IsString, Max, Min, MinLength } from 'class-validator';

/** What the `kitchen-inbox` integration reads from the worker's environment. */
export class KitchenInboxConfig {
  /** A PostgreSQL of the inbox's own; unset: the worker's database (PostgreSQL or embedded). */
  @Expose()
  @IsOptional()
  @IsString()
  @MinLength(1)
  KITCHEN_INBOX_DATABASE_URL?: string;

  /** Connections of the inbox's own pool, when it has a database of its own. */
  @Expose()
  @Transform(toInt)
  @IsInt()
  @Min(1)
  @Max(100)
  KITCHEN_INBOX_POOL_SIZE = 5;

  /** `test`: the deterministic test processor; `none`: orders with cards are refused. */
  @Expose()
  @IsIn(['none', 'test'])
  KITCHEN_INBOX_CARD_PROCESSOR: 'none' | 'test' = 'none';
}

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
  return readIntegrationConfig(KitchenInboxConfig, settings);
}
