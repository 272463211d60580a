interface Call<In, Out> {
  input: In;
  resolve: (output: Out) => void;
  reject: (error: unknown) => void;
}

export interface TickBatchOptions<In> {
  /** At most this many calls in one run; the rest go in the next. */
  maxSize: number;
  /**
   * A run never holds two calls of one key: a later one goes in the next run, which may start
   * before this one ends. Two keys are the same when the database would take them as the same.
   */
  keyOf: (input: In) => string;
}

/**
 * Runs the calls made within one turn of the event loop as one: `run` gets their inputs, in
 * the order they came, and answers each by its position. One statement for several orders
 * costs the database one round trip and one commit where it cost one each: at many orders a
 * second, that is most of a worker's and the database's time. A lone call runs as soon as the
 * turn ends, so a quiet process waits for nothing.
 *
 * When a run of several calls fails with an error the database gave for the statement (see
 * `mayBeOneRow`), each call runs again alone: a statement is all or nothing, so nothing was
 * written, and one bad row then fails only its own caller. Any other failure (a connection
 * lost mid-statement, a statement timeout) reaches every call of the run, whose outcome is
 * then unknown to all of them alike, as it would be to each alone.
 */
export class TickBatch<In, Out> {
  private queue: Array<Call<In, Out>> = [];
  private scheduled = false;

  constructor(
    private readonly run: (inputs: In[]) => Promise<Out[]>,
    private readonly options: TickBatchOptions<In>,
  ) {}

  add(input: In): Promise<Out> {
    return new Promise<Out>((resolve, reject) => {
      this.queue.push({ input, resolve, reject });
      this.schedule();
    });
  }

  private schedule(): void {
    if (this.scheduled || this.queue.length === 0) return;
    this.scheduled = true;
    setImmediate(() => this.flush());
  }

  private flush(): void {
    this.scheduled = false;
    const keys = new Set<string>();
    const batch: Array<Call<In, Out>> = [];
    const later: Array<Call<In, Out>> = [];
    for (const call of this.queue) {
      const key = this.options.keyOf(call.input);
      if (batch.length >= this.options.maxSize || keys.has(key)) {
        later.push(call);
      } else {
        keys.add(key);
        batch.push(call);
      }
    }
    this.queue = later;
    void this.runBatch(batch);
    this.schedule();
  }

  private async runBatch(batch: Array<Call<In, Out>>): Promise<void> {
    try {
      const outputs = await this.run(batch.map((call) => call.input));
      batch.forEach((call, i) => call.resolve(outputs[i]));
    } catch (error) {
      if (batch.length > 1 && mayBeOneRow(error)) {
        await Promise.all(batch.map((call) => this.runBatch([call])));
      } else {
        batch.forEach((call) => call.reject(error));
      }
    }
  }
}

/**
 * A statement the database refused, and may have refused for one of its rows: an `ERROR` (not
 * a `FATAL`, after which a commit may have happened) that is not about the connection, the
 * server's resources or an operator (SQLSTATE classes 08, 53, 57, 58), which would refuse
 * each row alone just the same.
 */
export function mayBeOneRow(error: unknown): boolean {
  const { code, severity } = (error ?? {}) as { code?: unknown; severity?: unknown };
  return (
    severity === 'ERROR' &&
    typeof code === 'string' &&
    /^[0-9A-Z]{5}$/.test(code) &&
    !/^(08|53|57|58)/.test(code)
  );
}
