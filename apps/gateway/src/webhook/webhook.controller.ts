import { Controller, HttpCode, Param, Post, Req, Res } from '@nestjs/common';
import { SpiResponse } from '@wix-pos-gateway/contracts';
import {
  ApiBody,
  ApiOkResponse,
  ApiOperation,
  ApiParam,
  ApiResponse,
  ApiTags,
} from '@nestjs/swagger';
import type { Response } from 'express';
import { ForwardOrderService } from '../orders/forward-order.service';
import { spiRequestSchema, spiResponseSchema } from './spi-schemas';
import { WebhookRequest } from './webhook-request';

/**
 * The Wix Restaurants POS SPI webhook. Every SPI answer, success or error, is HTTP 200: the
 * outcome travels in the body, as the SPI's JSON-RPC style expects. `:brand/:token` carries
 * the brand's URL token (`WEBHOOK_AUTH`), already checked by `WebhookBodyMiddleware`.
 */
@ApiTags('webhook')
@Controller('webhooks/wix')
export class WebhookController {
  constructor(private readonly orders: ForwardOrderService) {}

  @ApiOperation({
    summary: 'A new order from Wix Restaurants, answered within the deadline',
    description:
      'Every SPI outcome is HTTP 200 with `value` or `error` in the body. `:token` is the ' +
      "brand's URL token when WEBHOOK_AUTH gives it one (or `?token=`; or Basic, Bearer, or " +
      'Standard Webhooks signatures).',
  })
  @ApiParam({ name: 'brand', description: 'the brand whose POS workers take the order' })
  @ApiBody({ schema: spiRequestSchema })
  @ApiOkResponse({ description: 'the SPI answer', schema: spiResponseSchema })
  @ApiResponse({
    status: 400,
    description: 'malformed or empty JSON, or not an object, or unsafe JSON (SPI error body)',
  })
  @ApiResponse({ status: 401, description: 'the call fails WEBHOOK_AUTH (SPI error body)' })
  @ApiResponse({
    status: 408,
    description: 'the body still coming in at ORDER_DEADLINE_MS (SPI error body, endpoint_down)',
  })
  @ApiResponse({ status: 413, description: 'body over MAX_BODY_BYTES (SPI error body)' })
  @ApiResponse({ status: 415, description: 'not application/json (SPI error body)' })
  @Post([':brand', ':brand/:token'])
  @HttpCode(200)
  async receive(
    @Param('brand') brand: string,
    @Req() req: WebhookRequest,
    @Res({ passthrough: true }) res: Response,
  ): Promise<SpiResponse> {
    const call = {
      brand,
      body: req.body as unknown,
      receivedAt: req.receivedAt,
      arrivedAt: req.arrivedAt,
    };
    // The call holds the body from here; the request (kept until the answer is written) no more.
    req.body = undefined;
    req.rawBody = undefined;
    const { response, written } = await this.orders.forward(call);
    // 'finish': the whole response was handed to the connection, not just begun.
    if (written) res.once('finish', written);
    return response;
  }
}
