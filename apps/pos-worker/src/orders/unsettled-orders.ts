import {
  BeforeApplicationShutdown,
  Injectable,
  Logger,
  OnApplicationBootstrap,
} from '@nestjs/common';
import { WorkerConfig } from '../config';
import { PlaceOrderService } from './place-order.service';

const SWEEP_EVERY_MS = 5_000;

/**
 * Voids, every few seconds, the brand's attempts no worker will settle: a worker that died
 * (or lost its database) after the POS call leaves the POS holding an order Wix heard failed.
 */
@Injectable()
export class UnsettledOrders implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly logger = new Logger('orders');
  private timer?: NodeJS.Timeout;
  private sweeping?: Promise<void>;

  constructor(
    private readonly placeOrder: PlaceOrderService,
    private readonly config: WorkerConfig,
  ) {}

  onApplicationBootstrap(): void {
    this.timer = setInterval(() => this.sweep(), SWEEP_EVERY_MS);
    this.timer.unref();
  }

  async beforeApplicationShutdown(): Promise<void> {
    clearInterval(this.timer);
    await this.sweeping;
  }

  private sweep(): void {
    this.sweeping ??= this.placeOrder
      .voidUnsettled(this.config.BRAND)
      .then(
        () => undefined,
        (error: unknown) => this.logger.warn({ event: 'order.sweep_failed', error: String(error) }),
      )
      .finally(() => (this.sweeping = undefined));
  }
}
