/**
 * How long the event loop could not run its timers, all told: a turn that runs long (a large
 * body parsed, a long garbage collection) holds back every callback, a consumer's fetch events
 * among them, and so makes a silence that is the process's own and not the broker's.
 */
export class LoopStalls {
  private total = 0;
  private due = 0;
  private timer?: NodeJS.Timeout;

  constructor(private readonly intervalMs = 250) {}

  start(): void {
    if (this.timer) return;
    this.due = performance.now() + this.intervalMs;
    this.timer = setInterval(() => this.tick(), this.intervalMs);
    this.timer.unref();
  }

  stop(): void {
    clearInterval(this.timer);
    this.timer = undefined;
  }

  /** Stalled ms since `start`, counting the turn under way (0 when not started). */
  now(): number {
    if (!this.timer) return this.total;
    return this.total + Math.max(0, performance.now() - this.due);
  }

  private tick(): void {
    const now = performance.now();
    this.total += Math.max(0, now - this.due);
    this.due = now + this.intervalMs;
  }
}
