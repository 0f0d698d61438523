import { describe, expect, test } from '@jest/globals';
import { FLEET_GOALS, simulateFleet, simulateFleets } from '../bench/fleet-sim.js';

// The action's own RateLimitPacer on a virtual clock (bench/fleet-sim.ts): a matrix of jobs, each
// a create-key step and its post step, on one key the emulator's way. `npm run bench -- fleet`
// measures one real run of each; these hold the pacing to the goals over many.
const RUNS = 60;

describe('a matrix of jobs sharing one key, simulated', () => {
  test.each(Object.keys(FLEET_GOALS).map(Number))(
    '%d jobs: the median run meets the wall-time and request goals, and no step runs out of rate-limit-wait',
    (jobs) => {
      const goal = FLEET_GOALS[jobs] as { wall: number; requests: number };
      for (const slowness of [1, 3]) {
        const { wall, requests, failedSteps } = simulateFleets(jobs, RUNS, slowness);
        expect({ slowness, failedSteps, wall: wall.median <= goal.wall, requests: requests.median <= goal.requests }).toEqual({
          slowness,
          failedSteps: 0,
          wall: true,
          requests: true,
        });
      }
    },
  );

  test('up to 5 jobs never meet the limit: each revoke follows its create at once', () => {
    for (const jobs of [1, 2, 5]) {
      const run = simulateFleet(jobs, 1);
      expect(run.requests).toBe(1);
      // No wait for a window: the fleet ends within its start-up.
      expect(run.endMs).toBeLessThan(1_000);
    }
  });
});
