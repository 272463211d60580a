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
  ValidateNested,
} from 'class-validator';

/**
 * The part of the SPI body that the gateway and the workers rely on. Only these fields are
 * validated; everything else Wix sends is tolerated and forwarded untouched. `@Expose` lets
 * validation read just these fields of a large menu instead of copying all of it.
 */
export class WixOrderLine {
  @Expose()
  @IsString()
  @MinLength(1, { message: '$property must not be empty' })
  itemId!: string;

  @Expose()
  @IsOptional()
  @IsInt()
  @Min(1)
  count?: number;

  /** `variationsChoices[i]` holds the choices made in the item's i-th variation; choices are lines too. */
  @Expose()
  @IsOptional()
  @IsArray()
  @ValidateNested({ each: true })
  @Type(() => WixOrderLine)
  variationsChoices?: WixOrderLine[][];
}

export class WixOrder {
  @Expose()
  @IsString()
  @MinLength(1, { message: '$property must not be empty' })
  id!: string;

  @Expose()
  @IsString()
  @MinLength(1, { message: '$property must not be empty' })
  restaurantId!: string;

  @Expose()
  @IsArray()
  @ValidateNested({ each: true })
  @Type(() => WixOrderLine)
  orderItems!: WixOrderLine[];
}

export class WixMenuItem {
  @Expose()
  @IsString()
  @MinLength(1, { message: '$property must not be empty' })
  id!: string;

  @Expose()
  @IsOptional()
  @IsObject()
  externalIds?: Record<string, unknown>;
}

export class WixMenu {
  @Expose()
  @IsArray()
  @ValidateNested({ each: true })
  @Type(() => WixMenuItem)
  items!: WixMenuItem[];
}

/** `{"menu": …, "order": …}`, plus `cards` when the POS clears card payments. */
export class WixOrderRequest {
  @Expose()
  @IsDefined()
  @IsObject()
  @ValidateNested()
  @Type(() => WixMenu)
  menu!: WixMenu;

  @Expose()
  @IsDefined()
  @IsObject()
  @ValidateNested()
  @Type(() => WixOrder)
  order!: WixOrder;
}
