import 'reflect-metadata';
import type { WixMenu, WixMenuItem, WixOrder, WixOrderLine } from '@wix-pos-gateway/pos-sdk';
import { Expose, Type } from 'class-transformer';
import {
  IsArray,
  IsDefined,
  IsInt,
  IsObject,
  IsOptional,
  IsString,
  Min,
  MinLength,
  ValidateBy,
  ValidateNested,
} from 'class-validator';

function IsArrayOfArrays(): PropertyDecorator {
  return ValidateBy({
    name: 'isArrayOfArrays',
    validator: {
      validate: (value: unknown) => Array.isArray(value) && value.every((v) => Array.isArray(v)),
      defaultMessage: (args) => `${args?.property} must be an array of arrays of order lines`,
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
  @MinLength(1, { message: '$property must not be empty' })
  @IsString()
  itemId!: string;

  @Expose()
  @IsOptional()
  @Min(1)
  @IsInt()
  count?: number;

  @Expose()
  @IsOptional()
  @IsArrayOfArrays()
  @ValidateNested({ each: true })
  @Type(() => WixOrderLineDto)
  variationsChoices?: WixOrderLineDto[][];
}

export class WixOrderDto implements WixOrder {
  @Expose()
  @MinLength(1, { message: '$property must not be empty' })
  @IsString()
  id!: string;

  @Expose()
  @MinLength(1, { message: '$property must not be empty' })
  @IsString()
  restaurantId!: string;

  @Expose()
  @IsArray()
  @ValidateNested({ each: true })
  @Type(() => WixOrderLineDto)
  orderItems!: WixOrderLineDto[];
}

export class WixMenuItemDto implements WixMenuItem {
  @Expose()
  @MinLength(1, { message: '$property must not be empty' })
  @IsString()
  id!: string;

  @Expose()
  @IsOptional()
  @IsObject()
  externalIds?: Record<string, unknown>;
}

export class WixMenuDto implements WixMenu {
  @Expose()
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
