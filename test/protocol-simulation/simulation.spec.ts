import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { runSchedule } from './schedule';

/** Each schedule is small (1–3 orders, 1–4 deliveries each): many of them find more. */
const SCHEDULES = 100_000;
const REPORTED = 5;

describe('the order protocol under seeded fault schedules', () => {
  it(`keeps its invariant on ${SCHEDULES} schedules`, () => {
    const failures: string[] = [];
    for (let seed = 1; seed <= SCHEDULES && failures.length < REPORTED; seed++) {
      const { violations } = runSchedule(seed);
      if (violations.length === 0) continue;
      failures.push(
        `seed ${seed} (npm run simulate:protocol -- --seed ${seed} --trace): ${violations.join('; ')}`,
      );
    }
    assert.deepEqual(failures, []);
  });

  it('replays a seed event for event', () => {
    const traceOf = (seed: number) => {
      const lines: string[] = [];
      runSchedule(seed, (time, who, what) => lines.push(`${time} ${who} ${what}`));
      return lines;
    };
    for (const seed of [1, 2, 3]) {
      const trace = traceOf(seed);
      assert.ok(trace.length > 10);
      assert.deepEqual(traceOf(seed), trace);
    }
  });
});
