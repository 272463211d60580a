import {
  BadRequestException,
  CanActivate,
  Controller,
  ExecutionContext,
  Get,
  Injectable,
  NotFoundException,
  Param,
  Query,
  UnauthorizedException,
  UseGuards,
} from '@nestjs/common';
import type { Request } from 'express';
import { createHash, timingSafeEqual } from 'node:crypto';
import { WorkerConfig } from '../config';
import { OrderLookup, OrderRecord } from '../ledger/order-lookup';

const digest = (text: string) => createHash('sha256').update(text).digest();

/** `Authorization: Bearer <OPERATOR_TOKEN>`; without a token configured, the endpoints are off. */
@Injectable()
export class OperatorGuard implements CanActivate {
  constructor(private readonly config: WorkerConfig) {}

  canActivate(context: ExecutionContext): boolean {
    const token = this.config.OPERATOR_TOKEN;
    if (!token) throw new NotFoundException('order lookup is off: set OPERATOR_TOKEN');
    const header = context.switchToHttp().getRequest<Request>().headers.authorization ?? '';
    const given = header.startsWith('Bearer ') ? header.slice(7) : '';
    if (!timingSafeEqual(digest(given), digest(token))) throw new UnauthorizedException();
    return true;
  }
}

/** Read-only order lookup for operators: state, mapped lines, timings and outcome. */
@Controller('orders')
@UseGuards(OperatorGuard)
export class OrdersLookupController {
  constructor(
    private readonly lookup: OrderLookup,
    private readonly config: WorkerConfig,
  ) {}

  @Get(':wixOrderId')
  async byWixOrderId(@Param('wixOrderId') wixOrderId: string): Promise<OrderRecord> {
    const [record] = await this.lookup.find(this.config.BRAND, { wixOrderId });
    if (!record)
      throw new NotFoundException(`no order ${wixOrderId} of brand ${this.config.BRAND}`);
    return record;
  }

  /** POS order ids repeat across restaurants (ticket numbers): narrow with `restaurantId`. */
  @Get()
  async byPosOrderId(
    @Query('posOrderId') posOrderId?: string,
    @Query('restaurantId') restaurantId?: string,
  ): Promise<OrderRecord[]> {
    if (!posOrderId) throw new BadRequestException('give posOrderId (and restaurantId)');
    return this.lookup.find(this.config.BRAND, { posOrderId, restaurantId });
  }
}
