import { plainToInstance } from 'class-transformer';
import { ValidationError, validateSync } from 'class-validator';
import { WixOrderRequest } from './wix-order.dto';

export type OrderValidation = { ok: true } | { ok: false; problems: string[] };

/** Validates the SPI envelope; each problem names its path, e.g. `order.orderItems[2].itemId`. */
export function validateOrderRequest(body: unknown): OrderValidation {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) {
    return { ok: false, problems: ['the body must be a JSON object'] };
  }
  const request = plainToInstance(WixOrderRequest, body, { excludeExtraneousValues: true });
  const problems = describe(validateSync(request, { stopAtFirstError: true }), '');
  return problems.length === 0 ? { ok: true } : { ok: false, problems };
}

function describe(errors: ValidationError[], parent: string): string[] {
  return errors.flatMap((error) => {
    const path = /^\d+$/.test(error.property)
      ? `${parent}[${error.property}]`
      : parent
        ? `${parent}.${error.property}`
        : error.property;
    const own = Object.values(error.constraints ?? {}).map((message) =>
      message.startsWith(`${error.property} `)
        ? `${path}${message.slice(error.property.length)}`
        : `${path}: ${message.replace(/^each value in nested property \S+/, 'each element')}`,
    );
    return [...own, ...describe(error.children ?? [], path)];
  });
}
