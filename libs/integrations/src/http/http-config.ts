import { readIntegrationConfig, toInt } from '@app/pos-sdk';
import { Expose, Transform } from 'class-transformer';
import { IsInt, IsOptional, IsString, IsUrl, Max, Min } from 'class-validator';

const withoutTrailingSlash = ({ value }: { value: unknown }): unknown =>
  typeof value === 'string' ? value.trim().replace(/\/+$/, '') : value;

/** The variables of the `http` integration. The token is never logged nor put in an error. */
export class HttpPosConfig {
  /** Base URL of the POS API: orders go to `{POS_HTTP_URL}/orders`. */
  @Expose()
  @Transform(withoutTrailingSlash)
  @IsUrl(
    {
      protocols: ['http', 'https'],
      require_protocol: true,
      require_tld: false,
      disallow_auth: true,
    },
    {
      message: ({ value }) =>
        value === undefined
          ? 'POS_HTTP_URL is required: the base URL of the POS API'
          : 'POS_HTTP_URL must be an http:// or https:// URL',
    },
  )
  POS_HTTP_URL!: string;

  /** How long one call to the POS may take, answer body included. */
  @Expose()
  @Transform(toInt)
  @IsInt()
  @Min(100)
  @Max(60_000)
  POS_HTTP_TIMEOUT_MS = 5000;

  /** Sent as `Authorization: Bearer <token>` when set. */
  @Expose()
  @IsOptional()
  @IsString()
  POS_HTTP_TOKEN?: string;
}

export function readHttpPosConfig(
  env: Readonly<Record<string, string | undefined>>,
): HttpPosConfig {
  return readIntegrationConfig(HttpPosConfig, { ...env });
}
