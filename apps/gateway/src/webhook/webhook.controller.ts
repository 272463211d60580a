import { Controller, HttpCode, Param, Post, Req } from '@nestjs/common';
import { SpiResponse } from '@app/contracts';
import { ForwardOrderService } from '../orders/forward-order.service';
import { WebhookRequest } from './webhook-request';

/**
 * The Wix Restaurants POS SPI webhook. Every SPI answer, success or error, is HTTP 200: the
 * outcome travels in the body, as the SPI's JSON-RPC style expects.
 */
@Controller('webhooks/wix')
export class WebhookController {
  constructor(private readonly orders: ForwardOrderService) {}

  @Post(':brand')
  @HttpCode(200)
  receive(@Param('brand') brand: string, @Req() req: WebhookRequest): Promise<SpiResponse> {
    return this.orders.forward({
      brand,
      body: req.body as unknown,
      rawBody: req.rawBody,
      receivedAt: req.receivedAt,
    });
  }
}
