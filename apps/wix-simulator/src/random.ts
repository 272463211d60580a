/** Draws from a `() => number` in [0, 1), so that tests can pass a seeded source. */
export class Draw {
  constructor(private readonly random: () => number) {}

  /** An integer in [min, max]. */
  int(min: number, max: number): number {
    return min + Math.floor(this.random() * (max - min + 1));
  }

  pick<T>(list: readonly T[]): T {
    return list[this.int(0, list.length - 1)];
  }

  /** A price in minor units, a multiple of 50 up to `max`. */
  price(min: number, max: number): number {
    return this.int(Math.ceil(min / 50), Math.floor(max / 50)) * 50;
  }

  /** A fresh 16-digit decimal id generator; ids are consecutive so they never collide. */
  idSequence(): () => string {
    let next = 1_000_000_000_000_000 + this.int(0, 7_000_000_000_000_000);
    return () => String(next++);
  }
}
