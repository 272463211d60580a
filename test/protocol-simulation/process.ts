import { Sim } from './sim';

/**
 * A gateway or worker process. Work runs on it through `after` and `resume`: a crash drops all
 * of it, a pause (SIGSTOP) holds it until the process resumes, its clock having moved on.
 */
export class Process {
  private incarnation = 0;
  private downUntil = -1;
  private pausedUntil = -1;

  /** May crash or pause the process just before a piece of work (any step, like buggify). */
  hazard?: () => void;

  constructor(
    private readonly sim: Sim,
    readonly name: string,
  ) {}

  get up(): boolean {
    return this.sim.now >= this.downUntil;
  }

  get life(): number {
    return this.incarnation;
  }

  after(delayMs: number, run: () => void): void {
    const life = this.incarnation;
    this.sim.clock.after(delayMs, () => this.run(life, run));
  }

  /** A callback for work done elsewhere (the database, the POS): dropped if this process died. */
  resume<T>(done: (result: T) => void): (result: T, delayMs?: number) => void {
    const life = this.incarnation;
    return (result, delayMs = 0) =>
      this.sim.clock.after(delayMs, () => this.run(life, () => done(result)));
  }

  crash(forMs: number): void {
    this.incarnation++;
    this.downUntil = this.sim.now + forMs;
    this.pausedUntil = -1;
    this.sim.trace?.(this.name, `crashed, back in ${forMs} ms`);
  }

  pause(forMs: number): void {
    this.pausedUntil = Math.max(this.pausedUntil, this.sim.now + forMs);
    this.sim.trace?.(this.name, `paused for ${forMs} ms`);
  }

  private run(life: number, work: () => void): void {
    if (life !== this.incarnation) return;
    if (this.sim.now >= this.pausedUntil) this.hazard?.();
    if (life !== this.incarnation) return;
    if (this.sim.now < this.pausedUntil) {
      this.sim.clock.at(this.pausedUntil, () => this.run(life, work));
      return;
    }
    work();
  }
}
