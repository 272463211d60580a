/**
 * How long the event loop could not run its timers, all told: a turn that runs long (a large
 * body parsed, a long garbage collection) holds back every callback, a consumer's fetch events
 * among them, and so makes a silence that is the process's own and not the broker's.
 */
export class LoopStalls {
  private total = 0;
  private due = 0;
  private timer?: NodeJS.Timeout;

  /**
   * `floorMs`: lateness up to this much is the loop's ordinary wait for a core on a busy host,
   * not a stall, and counts for nothing.
   */
  constructor(
    private readonly intervalMs = 250,
    private readonly floorMs = 100,
  ) {}

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
    return this.total + this.stalled(performance.now());
  }

  private tick(): void {
    const now = performance.now();
    this.total += this.stalled(now);
    this.due = now + this.intervalMs;
  }

  private stalled(now: number): number {
    return Math.max(0, now - this.due - this.floorMs);
  }
}
