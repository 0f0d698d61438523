/**
 * A simulation of a matrix of jobs on one rate-limited key, driving the action's own
 * RateLimitPacer on a virtual clock: each job's create-key step and then its post step, against
 * the emulator's fixed window (it starts at the first request after the last one ended). A run
 * takes milliseconds, so the pacing can be judged over many runs where `npm run bench -- fleet`
 * measures one. The timing of the steps is calibrated to the measured fleets on two cores.
 */
import { FixedWindow } from '../emulator/server.js';
import { type PacerHandover, type PacerRole, RateLimitPacer } from '../src/api/rate-limit.js';

export const LIMIT = 10;
export const WINDOW_MS = 10_000;

/** Jobs, then the most each may take of the minimum the limit allows: wall time, then requests (issue 19). */
export const FLEET_GOALS: Record<number, { wall: number; requests: number }> = {
  10: { wall: 1.25, requests: 1.5 },
  20: { wall: 1.45, requests: 1.8 },
  50: { wall: 1.45, requests: 2.35 },
  90: { wall: 1.35, requests: 2.8 },
};

/** 2N requests take at least (⌈2N / limit⌉ − 1) windows after the first. */
export const minimumMs = (jobs: number) => (Math.ceil((2 * jobs) / LIMIT) - 1) * WINDOW_MS;

export interface FleetRun {
  /** Wall time and requests as multiples of the least the limit allows. */
  wall: number;
  requests: number;
  failedSteps: number;
  /** When the last post step ended, in ms after the fleet started. */
  endMs: number;
}

/** A small seeded generator, so a run can be repeated. */
function seeded(seed: number): () => number {
  let state = seed >>> 0 || 1;
  return () => (state = (Math.imul(state, 1_664_525) + 1_013_904_223) >>> 0) / 2 ** 32;
}

/**
 * One fleet of `jobs`, started together. Measured on two cores: the create-key requests come
 * 20 ms × jobs after the start, spread over 17 ms × jobs (node starting that many processes); a
 * post step's request comes 150 to 250 ms after its main step's answer, and up to 18 ms × jobs
 * more while the fleet is still starting. `slowness` scales all of it (a slower machine).
 */
export function simulateFleet(jobs: number, seed: number, slowness = 1): FleetRun {
  const random = seeded(seed * 7_919 + jobs);
  const window = new FixedWindow(LIMIT, WINDOW_MS);
  const queue: { at: number; run: () => void }[] = [];
  let now = 0;
  let requests = 0;
  let failedSteps = 0;
  let end = 0;

  const answer = (at: number) => {
    requests += 1;
    const { admitted, headers } = window.take(at);
    const values = new Map(Object.entries(headers).map(([name, value]) => [name.toLowerCase(), value]));
    return { ok: admitted, headers: { get: (name: string) => values.get(name.toLowerCase()) ?? null } };
  };

  /** A step of one request, paced as the client paces it; `done` gets the pacer once it is answered. */
  const step = (at: number, role: PacerRole, done: (pacer: RateLimitPacer) => void) => {
    let pacer: RateLimitPacer;
    const attempt = () => {
      let wait: number;
      try {
        wait = pacer.delay();
      } catch {
        failedSteps += 1;
        return;
      }
      if (wait > 0) return queue.push({ at: now + wait, run: send });
      send();
    };
    const send = () => {
      const latency = 2 + random() * 3;
      const { ok, headers } = answer(now + latency);
      queue.push({
        at: now + 2 * latency,
        run: () => {
          pacer.note(headers);
          if (ok) return done(pacer);
          pacer.refused(headers);
          attempt();
        },
      });
    };
    queue.push({
      at,
      run: () => {
        // Built as the step starts, as the action builds it, with the action's default rate-limit-wait.
        pacer = new RateLimitPacer(10 * 60_000, role, random, () => now);
        attempt();
      },
    });
  };

  const first = (20 * jobs + 20) * slowness;
  const spread = 17 * jobs * slowness;
  for (let i = 0; i < jobs; i++) {
    step(first + random() * spread, { step: 'main' }, (main) => {
      const starting = now < first + spread + 300 * slowness;
      const postAt = now + (150 + random() * 100 + (starting ? 12 * jobs * (0.5 + random()) : 0)) * slowness;
      const handover: PacerHandover | undefined = main.handover();
      step(postAt, { step: 'post', handover }, () => (end = Math.max(end, now + 20)));
    });
  }
  while (queue.length > 0) {
    queue.sort((a, b) => a.at - b.at);
    const next = queue.shift() as (typeof queue)[number];
    now = next.at;
    next.run();
  }
  return { wall: end / minimumMs(jobs), requests: requests / (2 * jobs), failedSteps, endMs: end };
}

/** The q-quantile (0..1) of many runs' figures. */
function quantile(values: number[], q: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] as number;
}

/** `runs` fleets of `jobs` (seeds 1..runs): each figure's median and 90th percentile. */
export function simulateFleets(jobs: number, runs: number, slowness = 1) {
  const all = Array.from({ length: runs }, (_, i) => simulateFleet(jobs, i + 1, slowness));
  const figure = (pick: (run: FleetRun) => number) => ({ median: quantile(all.map(pick), 0.5), p90: quantile(all.map(pick), 0.9) });
  return {
    wall: figure((run) => run.wall),
    requests: figure((run) => run.requests),
    failedSteps: all.reduce((n, run) => n + run.failedSteps, 0),
  };
}
