import { Random } from './random';

interface Timer {
  time: number;
  /** Orders timers due at the same millisecond: drawn from the seed, like a real race. */
  tie: number;
  run: () => void;
}

/** Simulated time: a priority queue of timers, run one at a time. No real timer or I/O. */
export class Clock {
  now = 0;
  private readonly heap: Timer[] = [];

  constructor(private readonly random: Random) {}

  at(time: number, run: () => void): void {
    const timer = { time: Math.max(time, this.now), tie: this.random.next(), run };
    const heap = this.heap;
    let i = heap.length;
    heap.push(timer);
    while (i > 0) {
      const parent = (i - 1) >> 1;
      if (!before(timer, heap[parent])) break;
      heap[i] = heap[parent];
      i = parent;
    }
    heap[i] = timer;
  }

  after(delayMs: number, run: () => void): void {
    this.at(this.now + delayMs, run);
  }

  /** Runs the timers due up to `time` (all of them: `Infinity`); false once none are left. */
  runUntil(time: number, stop: () => boolean = () => false): boolean {
    while (this.heap.length > 0 && this.heap[0].time <= time) {
      const timer = this.pop();
      this.now = timer.time;
      timer.run();
      if (stop()) return true;
    }
    if (time !== Infinity) this.now = Math.max(this.now, time);
    return this.heap.length > 0;
  }

  private pop(): Timer {
    const heap = this.heap;
    const top = heap[0];
    const last = heap.pop()!;
    if (heap.length === 0) return top;
    let i = 0;
    for (;;) {
      const left = 2 * i + 1;
      if (left >= heap.length) break;
      const right = left + 1;
      const child = right < heap.length && before(heap[right], heap[left]) ? right : left;
      if (!before(heap[child], last)) break;
      heap[i] = heap[child];
      i = child;
    }
    heap[i] = last;
    return top;
  }
}

function before(x: Timer, y: Timer): boolean {
  return x.time < y.time || (x.time === y.time && x.tie < y.tie);
}
