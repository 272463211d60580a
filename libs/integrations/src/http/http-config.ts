import {
  ConfigOf,
  int,
  optional,
  readIntegrationConfig,
  text,
  url,
} from '@wix-pos-gateway/pos-sdk';

/** The variables of the `http` integration. The token is never logged nor put in an error. */
export const HTTP_POS_SETTINGS = {
  /** Base URL of the POS API: orders go to `{POS_HTTP_URL}/orders`. */
  POS_HTTP_URL: url(),
  /** How long one call to the POS may take, answer body included. */
  POS_HTTP_TIMEOUT_MS: int({ default: 5000, min: 100, max: 60_000 }),
  /** Sent as `Authorization: Bearer <token>` when set. */
  POS_HTTP_TOKEN: optional(text()),
};

export type HttpPosConfig = ConfigOf<typeof HTTP_POS_SETTINGS>;

export function readHttpPosConfig(
  env: Readonly<Record<string, string | undefined>>,
): HttpPosConfig {
  return readIntegrationConfig(env, HTTP_POS_SETTINGS);
}
