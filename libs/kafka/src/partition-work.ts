/**
 * The work in flight on one partition. Messages with the same key (one restaurant) run one
 * after another, in offset order; different keys run side by side, so one slow order holds
 * up only its own restaurant. `committable` is the offset Kafka may resume from: the lowest
 * one still running, or the next after the last one seen.
 */
export class PartitionWork {
  private readonly running = new Set<number>();
  private readonly tails = new Map<string, Promise<void>>();
  private next = -1;
  private stopped = false;

  get size(): number {
    return this.running.size;
  }

  committable(): number | undefined {
    if (this.next < 0) return undefined;
    let lowest = this.next;
    for (const offset of this.running) lowest = Math.min(lowest, offset);
    return lowest;
  }

  /** Starts `task` after the earlier work of the same key; resolves when it has finished. */
  add(offset: number, key: string, task: () => Promise<void>): Promise<void> {
    this.running.add(offset);
    this.next = Math.max(this.next, offset + 1);
    // A failed task does not stop its key: the next one runs either way.
    const previous = this.tails.get(key) ?? Promise.resolve();
    let skipped = false;
    const run = () => {
      // Stopped: what has not started is left for the partition's next owner.
      skipped = this.stopped;
      return skipped ? undefined : task();
    };
    const done = previous.then(run, run).finally(() => {
      if (!skipped) this.running.delete(offset);
      if (this.tails.get(key) === done) this.tails.delete(key);
    });
    this.tails.set(key, done);
    return done;
  }

  /**
   * Starts nothing more and resolves when what had started has finished; `committable` then
   * stays below the first task that never ran.
   */
  async stop(): Promise<void> {
    this.stopped = true;
    await this.drain();
  }

  /** Resolves when everything started so far has finished. */
  async drain(): Promise<void> {
    await Promise.allSettled([...this.tails.values()]);
  }
}
