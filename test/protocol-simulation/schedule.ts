import { Verdict, check } from './invariant';
import { scenarioOf } from './scenario';
import { Trace } from './sim';
import { World } from './world';

export interface Outcome extends Verdict {
  seed: number;
  /** Simulated time the schedule took. */
  simulatedMs: number;
}

/** Runs the schedule of `seed` and checks the invariant on it. */
export function runSchedule(seed: number, trace?: Trace): Outcome {
  const world = new World(scenarioOf(seed), trace);
  world.run();
  return { seed, simulatedMs: world.sim.now, ...check(world) };
}
