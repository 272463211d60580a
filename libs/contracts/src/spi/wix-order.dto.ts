import 'reflect-metadata';
import type { WixMenu, WixMenuItem, WixOrder, WixOrderLine } from '@wix-pos-gateway/pos-sdk';
import { Expose, Type } from 'class-transformer';
import {
  ArrayNotEmpty,
  IsArray,
  IsDefined,
  IsInt,
  IsObject,
  IsOptional,
  IsString,
  Matches,
  Max,
  Min,
  ValidateBy,
  ValidateNested,
} from 'class-validator';

/**
 * The model's bounds (Wix's side is Java): counts and money are `int`s, times `long`
 * milliseconds, ids at most this long (they key the ledger's rows and indexes).
 */
export const SPI_LIMITS = {
  minInt: -2_147_483_648,
  maxInt: 2_147_483_647,
  /**
   * Epoch-ms times up to the end of the year 9999, what PostgreSQL and ISO 8601 take: later is
   * no time, and a card number (16 digits) in a time's place is refused, as the gateway refuses
   * any time that reads as a card number, not carried masked.
   */
  maxTime: 253_402_300_799_999,
  maxIdChars: 256,
} as const;
const { minInt, maxInt, maxTime, maxIdChars } = SPI_LIMITS;
const ISO_4217 = /^[A-Z]{3}$/;

function IsArrayOfArrays(): PropertyDecorator {
  return ValidateBy({
    name: 'isArrayOfArrays',
    validator: {
      validate: (value: unknown) =>
        Array.isArray(value) &&
        value.every(
          (choices) =>
            Array.isArray(choices) &&
            choices.every(
              (line) => typeof line === 'object' && line !== null && !Array.isArray(line),
            ),
        ),
      defaultMessage: (args) => `${args?.property} must be an array of arrays of order lines`,
    },
  });
}

/**
 * At most `maxIdChars` UTF-16 units, as the fast check counts them (class-validator's
 * `MaxLength` counts a surrogate pair, or a character and its variation selector, as one).
 */
function IsIdLength(): PropertyDecorator {
  return ValidateBy({
    name: 'isIdLength',
    validator: {
      validate: (value: unknown) => typeof value !== 'string' || value.length <= maxIdChars,
      defaultMessage: (args) =>
        `${args?.property} must be shorter than or equal to ${maxIdChars} characters`,
    },
  });
}

/** Whether an id holds something: blank is empty, or only what `\s` matches. */
export function isNotBlank(value: string): boolean {
  return /\S/.test(value);
}

function IsNotBlank(): PropertyDecorator {
  return ValidateBy({
    name: 'isNotBlank',
    validator: {
      validate: (value: unknown) => typeof value === 'string' && isNotBlank(value),
      defaultMessage: (args) => `${args?.property} must not be blank`,
    },
  });
}

/** The last digits of a card, at most four: a string of digits, or a number from 0 to 9999. */
export function isLastDigits(value: unknown): boolean {
  return typeof value === 'string'
    ? /^\d{1,4}$/.test(value)
    : Number.isInteger(value) && (value as number) >= 0 && (value as number) <= 9999;
}

function IsLastDigits(): PropertyDecorator {
  return ValidateBy({
    name: 'isLastDigits',
    validator: {
      validate: isLastDigits,
      defaultMessage: (args) => `${args?.property} must be at most 4 digits`,
    },
  });
}

/**
 * A payment type that reads as `credit` but is not it (`"CREDIT"`, `"credit "`, `credit` with
 * a character that shows nothing): the POS charges only `credit` payments and takes any other
 * type as already paid, so a card token on such a payment would never be charged.
 */
export function isCreditMisspelt(type: unknown): boolean {
  return (
    typeof type === 'string' &&
    type !== 'credit' &&
    type.replace(/[\s\p{Cf}]/gu, '').toLowerCase() === 'credit'
  );
}

function IsNotOnMisspeltCredit(): PropertyDecorator {
  return ValidateBy({
    name: 'isNotOnMisspeltCredit',
    validator: {
      validate: (value: unknown, args) =>
        value === undefined ||
        value === null ||
        !isCreditMisspelt((args?.object as { type?: unknown }).type),
      defaultMessage: (args) =>
        `${args?.property} is on a payment whose type reads as credit but is not "credit"`,
    },
  });
}

/*
 * Validators run bottom-up and stop at a property's first failure, so the type check sits
 * closest to the property.
 */

/**
 * The part of the SPI body that the gateway and the workers rely on, as the SDK types it
 * (`WixOrder`, `WixMenu`), with its rules. Only these fields are validated; everything else Wix
 * sends is tolerated and forwarded untouched. `@Expose` lets validation read just these fields
 * of a large menu instead of copying all of it.
 */
export class WixOrderLineDto implements WixOrderLine {
  @Expose()
  @IsIdLength()
  @IsNotBlank()
  @IsString()
  itemId!: string;

  @Expose()
  @IsOptional()
  @Max(maxInt)
  @Min(1)
  @IsInt()
  count?: number;

  /** The line's price, minor units. */
  @Expose()
  @IsOptional()
  @Max(maxInt)
  @Min(minInt)
  @IsInt()
  price?: number;

  @Expose()
  @IsOptional()
  @IsArrayOfArrays()
  @ValidateNested({ each: true })
  @Type(() => WixOrderLineDto)
  variationsChoices?: WixOrderLineDto[][];
}

/** What a payment may say of its card: never more than its last four digits. */
export class WixPublicCardDto {
  @Expose()
  @IsOptional()
  @IsLastDigits()
  lastDigits?: string | number;
}

export class WixCardTokenDto {
  @Expose()
  @IsOptional()
  @IsObject()
  @ValidateNested()
  @Type(() => WixPublicCardDto)
  creditCard?: WixPublicCardDto;
}

export class WixPaymentDto {
  /** `cash`, `credit`, …: without it, no one can tell whether the POS is to charge a card. */
  @Expose()
  @IsIdLength()
  @IsNotBlank()
  @IsString()
  type!: string;

  @Expose()
  @IsOptional()
  @Max(maxInt)
  @Min(0)
  @IsInt()
  amount?: number;

  @Expose()
  @IsNotOnMisspeltCredit()
  @IsOptional()
  @IsObject()
  @ValidateNested()
  @Type(() => WixCardTokenDto)
  cardToken?: WixCardTokenDto;
}

/** How the order is dispatched: only what a POS computes with is checked. */
export class WixDispatchDto {
  /** The delivery fee, minor units. */
  @Expose()
  @IsOptional()
  @Max(maxInt)
  @Min(0)
  @IsInt()
  charge?: number;

  @Expose()
  @IsOptional()
  @Max(maxTime)
  @Min(0)
  @IsInt()
  time?: number;
}

/** A fee, discount, tip or tax; a discount is negative. */
export class WixOrderChargeDto {
  @Expose()
  @IsOptional()
  @Max(maxInt)
  @Min(minInt)
  @IsInt()
  amount?: number;
}

export class WixOrderDto implements WixOrder {
  @Expose()
  @IsIdLength()
  @IsNotBlank()
  @IsString()
  id!: string;

  @Expose()
  @IsIdLength()
  @IsNotBlank()
  @IsString()
  restaurantId!: string;

  /** The order's total, minor units of `currency`. */
  @Expose()
  @IsOptional()
  @Max(maxInt)
  @Min(0)
  @IsInt()
  price?: number;

  @Expose()
  @IsOptional()
  @Matches(ISO_4217, { message: '$property must be an ISO 4217 code such as USD' })
  @IsString()
  currency?: string;

  @Expose()
  @IsOptional()
  @IsObject({ each: true })
  @IsArray()
  @ValidateNested({ each: true })
  @Type(() => WixPaymentDto)
  payments?: WixPaymentDto[];

  @Expose()
  @IsOptional()
  @IsObject()
  @ValidateNested()
  @Type(() => WixDispatchDto)
  delivery?: WixDispatchDto;

  @Expose()
  @IsOptional()
  @IsObject({ each: true })
  @IsArray()
  @ValidateNested({ each: true })
  @Type(() => WixOrderChargeDto)
  orderCharges?: WixOrderChargeDto[];

  @Expose()
  @IsOptional()
  @Max(maxInt)
  @Min(0)
  @IsInt()
  takeoutPacks?: number;

  @Expose()
  @IsOptional()
  @Max(maxTime)
  @Min(0)
  @IsInt()
  created?: number;

  @Expose()
  @IsOptional()
  @Max(maxTime)
  @Min(0)
  @IsInt()
  received?: number;

  @Expose()
  @IsOptional()
  @Max(maxTime)
  @Min(0)
  @IsInt()
  submitAt?: number;

  @Expose()
  @IsOptional()
  @Max(maxTime)
  @Min(0)
  @IsInt()
  modified?: number;

  /** At least one line: an order with nothing to make would be a ticket with nothing on it. */
  @Expose()
  @IsObject({ each: true })
  @ArrayNotEmpty()
  @IsArray()
  @ValidateNested({ each: true })
  @Type(() => WixOrderLineDto)
  orderItems!: WixOrderLineDto[];
}

export class WixMenuItemDto implements WixMenuItem {
  @Expose()
  @IsIdLength()
  @IsNotBlank()
  @IsString()
  id!: string;

  @Expose()
  @IsOptional()
  @IsObject()
  externalIds?: Record<string, unknown>;
}

export class WixMenuDto implements WixMenu {
  @Expose()
  @IsObject({ each: true })
  @IsArray()
  @ValidateNested({ each: true })
  @Type(() => WixMenuItemDto)
  items!: WixMenuItemDto[];
}

/** `{"menu": …, "order": …}`, plus `cards` when the POS clears card payments. */
export class WixOrderRequest {
  @Expose()
  @IsDefined()
  @IsObject()
  @ValidateNested()
  @Type(() => WixMenuDto)
  menu!: WixMenuDto;

  @Expose()
  @IsDefined()
  @IsObject()
  @ValidateNested()
  @Type(() => WixOrderDto)
  order!: WixOrderDto;
}
