/** A counting limit on work in flight; waiters are woken in order as slots free up. */
export class Slots {
  private used = 0;
  private readonly waiting: Array<() => void> = [];

  constructor(private readonly limit: number) {}

  get inUse(): number {
    return this.used;
  }

  /** Waits for a free slot, calling `whileWaiting` every `everyMs` (e.g. a Kafka heartbeat). */
  async acquire(whileWaiting?: () => Promise<void>, everyMs = 1_000): Promise<void> {
    while (this.used >= this.limit) {
      let timer: NodeJS.Timeout | undefined;
      const freed = new Promise<void>((resolve) => this.waiting.push(resolve));
      const tick = new Promise<void>((resolve) => (timer = setTimeout(resolve, everyMs)));
      await Promise.race([freed, tick]);
      clearTimeout(timer);
      if (this.used >= this.limit) await whileWaiting?.();
    }
    this.used += 1;
  }

  release(): void {
    this.used -= 1;
    this.waiting.splice(0).forEach((wake) => wake());
  }
}
