import { OrderAnswer } from '@wix-pos-gateway/contracts';
import { Process } from './process';
import { Sim } from './sim';

export interface Produced {
  /** The record never reaches the log. */
  lost: boolean;
  /** Called when the record is in the log (and under its high-watermark). */
  appended?: (at: number) => void;
  /** Hears the acknowledgement, on the producer's process, if it comes back. */
  acked?: (ackedAt: number) => void;
  ackLost?: boolean;
  appendSlowMs?: number;
  ackSlowMs?: number;
}

/**
 * Kafka: the order and reply topics as delays, and a brand's answers topic as a log with a
 * high-watermark. Nothing moves while the broker is down; it all moves once it is back.
 */
export class Broker {
  readonly answers: OrderAnswer[] = [];
  private readonly lastAppend = new Map<string, number>();
  /** Wakes the answers consumer. */
  onAppend: () => void = () => undefined;

  constructor(private readonly sim: Sim) {}

  /** When a message sent now arrives, taking `latencyMs` once the broker is up. */
  arrival(latencyMs: number): number {
    const outages = this.sim.scenario.outages.broker;
    return this.sim.upAt(outages, this.sim.upAt(outages) + latencyMs);
  }

  get up(): boolean {
    return this.sim.upAt(this.sim.scenario.outages.broker) === this.sim.now;
  }

  /** A producer's records reach the log in the order it sent them. */
  produce(producer: string, answer: OrderAnswer, p: Produced): void {
    const { sim } = this;
    if (p.lost) return;
    const latency = sim.random.int(1, 5) + (p.appendSlowMs ?? 0);
    const at = Math.max(this.arrival(latency), this.lastAppend.get(producer) ?? 0);
    this.lastAppend.set(producer, at);
    sim.clock.at(at, () => {
      this.answers.push(answer);
      sim.trace?.('answers', `#${this.answers.length - 1} ${answer.kind} ${answer.correlationId}`);
      p.appended?.(at);
      this.onAppend();
    });
    if (p.acked && !p.ackLost) {
      const ackedAt = at + sim.random.int(1, 5) + (p.ackSlowMs ?? 0);
      sim.clock.at(ackedAt, () => p.acked!(ackedAt));
    }
  }

  /** The answers topic's end offset (its high-watermark). */
  endOffset(caller: Process, done: (offset: number | 'error') => void): void {
    this.fetch(caller, () => this.answers.length, done);
  }

  /** The answers from `offset` to the end. */
  read(caller: Process, offset: number, done: (read: OrderAnswer[] | 'error') => void): void {
    this.fetch(caller, () => this.answers.slice(offset), done);
  }

  private fetch<T>(caller: Process, read: () => T, done: (result: T | 'error') => void): void {
    const { sim } = this;
    const reply = caller.resume(done);
    if (!this.up) return reply('error', sim.random.int(1, 1_000));
    sim.clock.after(sim.random.int(1, 5), () => {
      if (!this.up) return reply('error', sim.random.int(1, 1_000));
      reply(read(), sim.random.int(1, 5));
    });
  }
}
