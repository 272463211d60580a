import { redactUrlText } from '@wix-pos-gateway/cards';
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
import {
  ApiBearerAuth,
  ApiNotFoundResponse,
  ApiOkResponse,
  ApiOperation,
  ApiQuery,
  ApiTags,
  ApiUnauthorizedResponse,
} from '@nestjs/swagger';
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
    const token = this.config.operator.token;
    if (!token) throw new NotFoundException('order lookup is off: set OPERATOR_TOKEN');
    const header = context.switchToHttp().getRequest<Request>().headers.authorization ?? '';
    const given = header.startsWith('Bearer ') ? header.slice(7) : '';
    if (!timingSafeEqual(digest(given), digest(token))) throw new UnauthorizedException();
    return true;
  }
}

/** Read-only order lookup for operators: state, mapped lines, timings and outcome. */
@ApiTags('operator')
@ApiBearerAuth()
@ApiUnauthorizedResponse({ description: 'no or wrong `Authorization: Bearer <OPERATOR_TOKEN>`' })
@Controller('orders')
@UseGuards(OperatorGuard)
export class OrdersLookupController {
  constructor(
    private readonly lookup: OrderLookup,
    private readonly config: WorkerConfig,
  ) {}

  @ApiOperation({
    summary:
      "The worker's brand's orders in doubt: the POS may hold them while Wix may think otherwise",
  })
  @ApiOkResponse({ description: 'up to 1,000 orders flagged in_doubt, oldest first' })
  @Get('in-doubt')
  inDoubt(): Promise<OrderRecord[]> {
    return this.lookup.find(this.config.brand, { inDoubt: true });
  }

  @ApiOperation({ summary: "An order of the worker's brand, by Wix order id" })
  @ApiOkResponse({ description: 'state, attempts, mapped lines, masked cards, timings, outcome' })
  @ApiNotFoundResponse({ description: 'no such order, or the lookup is off (no OPERATOR_TOKEN)' })
  @Get(':wixOrderId')
  async byWixOrderId(@Param('wixOrderId') wixOrderId: string): Promise<OrderRecord> {
    const [record] = await this.lookup.find(this.config.brand, { wixOrderId });
    if (!record) {
      const shown = JSON.stringify(redactUrlText(wixOrderId));
      throw new NotFoundException(`no order ${shown} of brand ${this.config.brand}`);
    }
    return record;
  }

  /** POS order ids repeat across restaurants (ticket numbers): narrow with `restaurantId`. */
  @ApiOperation({ summary: "Orders of the worker's brand with this POS order id" })
  @ApiQuery({ name: 'posOrderId', required: true })
  @ApiQuery({ name: 'restaurantId', required: false })
  @ApiOkResponse({ description: 'the matching orders (ticket numbers repeat across restaurants)' })
  @Get()
  async byPosOrderId(
    @Query('posOrderId') posOrderId?: string,
    @Query('restaurantId') restaurantId?: string,
  ): Promise<OrderRecord[]> {
    if (!posOrderId) throw new BadRequestException('give posOrderId (and restaurantId)');
    return this.lookup.find(this.config.brand, { posOrderId, restaurantId });
  }
}
