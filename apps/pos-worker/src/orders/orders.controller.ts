import { Controller } from '@nestjs/common';
import { MessagePattern, Payload } from '@nestjs/microservices';
import { SpiResponse, SUBMIT_ORDER_PATTERN, SubmitOrder } from '@wix-pos-gateway/contracts';
import { SubmitOrderService } from './submit-order.service';

@Controller()
export class OrdersController {
  constructor(private readonly orders: SubmitOrderService) {}

  @MessagePattern(SUBMIT_ORDER_PATTERN)
  submit(@Payload() request: SubmitOrder): Promise<SpiResponse> {
    return this.orders.submit(request);
  }
}
