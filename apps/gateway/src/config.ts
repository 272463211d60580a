import { KafkaEnv, loadConfig, toInt } from '@app/config';
import { Expose, Transform } from 'class-transformer';
import { IsIn, IsInt, IsString, Matches, Max, Min, ValidateIf } from 'class-validator';
import { randomUUID } from 'node:crypto';
import { hostname } from 'node:os';

/** Every variable the gateway reads; the README lists them with these defaults. */
export class GatewayConfig extends KafkaEnv {
  @Expose()
  @Transform(toInt)
  @IsInt()
  @Min(0)
  @Max(65535)
  PORT = 8080;

  /** The time budget of one webhook call, from its arrival; Wix gives up after 10 s. */
  @Expose()
  @Transform(toInt)
  @IsInt()
  @Min(100)
  @Max(9_500)
  ORDER_DEADLINE_MS = 8_000;

  /** Largest accepted body; a full menu with its order can be several megabytes. */
  @Expose()
  @Transform(toInt)
  @IsInt()
  @Min(1_024)
  @Max(100 * 1024 * 1024)
  MAX_BODY_BYTES = 10 * 1024 * 1024;

  /** Names this process's own reply consumer group; must differ between running gateways. */
  @Expose()
  @IsString()
  @Matches(/^[A-Za-z0-9._-]{1,100}$/)
  GATEWAY_INSTANCE_ID = `${hostname()}-${process.pid}-${randomUUID().slice(0, 8)}`;

  /** Partitions of the reply topic when the gateway creates it. */
  @Expose()
  @Transform(toInt)
  @IsInt()
  @Min(1)
  @Max(1000)
  REPLY_TOPIC_PARTITIONS = 6;

  @Expose()
  @Transform(toInt)
  @IsInt()
  @Min(60_000)
  REPLY_TOPIC_RETENTION_MS = 3_600_000;

  /** `on` when the merchant lets the POS clear cards: Wix then sends full card data. */
  @Expose()
  @IsIn(['on', 'off'])
  CARD_PAYMENTS: 'on' | 'off' = 'off';

  /** `<key id>:<base64 of 32 bytes>[,…]`: the first seals card data for Kafka; any opens it. */
  @Expose()
  @ValidateIf((config: GatewayConfig) => config.CARD_PAYMENTS === 'on')
  @IsString()
  @Matches(/./, {
    message:
      'CARD_KEYS is required when CARD_PAYMENTS=on: the keys that seal card data for Kafka (see README "Card payments")',
  })
  CARD_KEYS = '';
}

export function loadGatewayConfig(env: Record<string, string | undefined>): GatewayConfig {
  return loadConfig(GatewayConfig, env);
}
