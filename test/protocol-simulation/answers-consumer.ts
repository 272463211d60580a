import { Process } from './process';
import { Services } from './services';

const POLL_MS = 250;

/**
 * Copies the answers topic into the ledger, and commits its offset only once the copy is
 * written. Runs on one worker: it stalls while that worker is down or paused, during its own
 * outages and the broker's.
 */
export class AnswersConsumer {
  private ticking = false;
  /** The host's life when a copy started: a crash since means it will never finish. */
  private busy?: number;

  constructor(
    private readonly s: Services,
    private readonly host: Process,
  ) {
    s.broker.onAppend = () => this.wake();
  }

  get caughtUp(): boolean {
    return this.busy === undefined && this.s.ledger.committed >= this.s.broker.answers.length;
  }

  private wake(): void {
    if (this.ticking) return;
    this.ticking = true;
    this.s.sim.clock.after(this.s.sim.random.int(5, 300), () => this.tick());
  }

  private tick(): void {
    const { sim } = this.s;
    if (this.busy !== undefined && this.busy !== this.host.life) this.busy = undefined;
    const running = this.host.up && sim.upAt(sim.scenario.outages.answersConsumer) === sim.now;
    if (this.busy === undefined && running && !this.caughtUp) this.copy();
    this.ticking = !sim.stopped && !this.caughtUp;
    if (this.ticking) sim.clock.after(POLL_MS, () => this.tick());
  }

  private copy(): void {
    const { ledger, broker } = this.s;
    const host = this.host;
    const from = ledger.committed;
    this.busy = host.life;
    const done = () => (this.busy = undefined);
    broker.read(host, from, (answers) => {
      if (answers === 'error') return done();
      ledger.copyAnswers(host, answers, (copied) => {
        if (copied !== 'ok') return done();
        ledger.commitAnswers(host, from + answers.length, done);
      });
    });
  }
}
