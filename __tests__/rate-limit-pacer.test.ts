import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, test } from '@jest/globals';
import { parseFileCommands } from '../emulator/runner.js';
import { readHandover, saveHandover } from '../src/api/handover.js';
import { type PacerHandover, RateLimitExceededError, RateLimitPacer } from '../src/api/rate-limit.js';

const headers = (values: Record<string, string>) => ({ get: (name: string) => values[name.toLowerCase()] ?? null });
const policy = { 'x-ratelimit-policy': '10;w=10;comment="fixed window"' };
// A 429 two seconds before the window of 10 s ends.
const refusal = headers({ 'x-ratelimit-remaining': '0', 'x-ratelimit-reset': '2', ...policy });
const HOUR = 3_600_000;
const MAIN = { step: 'main' } as const;
const POST = { step: 'post' } as const;

/** The waits after `count` refusals in a row, each answered as the wait ends, with random() fixed at `random`. */
function waitsAfterRefusals(role: typeof MAIN | typeof POST, random: number, count: number): number[] {
  let now = 0;
  const pacer = new RateLimitPacer(
    HOUR,
    role,
    () => random,
    () => now,
  );
  return Array.from({ length: count }, () => {
    pacer.refused(refusal);
    const wait = pacer.delay();
    now += wait;
    return wait;
  });
}

describe('rate-limit pacing', () => {
  test("a main step's retries skip the next window twice, then spread over 6", () => {
    // random() = 0: the first window of each landing, the earliest return after a main step's opening (300 ms).
    expect(waitsAfterRefusals(MAIN, 0, 4)).toEqual([12_300, 12_300, 2_300, 2_300]);
    // random() = 1: the last window of each landing, the latest return (300 + 400 ms).
    expect(waitsAfterRefusals(MAIN, 1, 4)).toEqual([12_700, 22_700, 52_700, 52_700]);
  });

  test("a post step's retries skip no window and come before the main steps' in it", () => {
    expect(waitsAfterRefusals(POST, 0, 3)).toEqual([2_200, 2_200, 2_200]);
    expect(waitsAfterRefusals(POST, 1, 3)).toEqual([2_300, 12_300, 52_300]);
    // The latest post step returns no later than the earliest main step.
    expect(Math.max(...waitsAfterRefusals(POST, 1, 1))).toBeLessThanOrEqual(Math.min(...waitsAfterRefusals(MAIN, 0, 1)) - 10_000);
  });

  test('a used-up window from a successful answer makes the next request wait for its opening', () => {
    const pacer = new RateLimitPacer(
      HOUR,
      MAIN,
      () => 0,
      () => 0,
    );
    pacer.note(headers({ 'x-ratelimit-remaining': '0', 'x-ratelimit-reset': '3.5' }));
    expect(pacer.delay()).toBe(3_800);
  });

  test('a landing past what is left of rate-limit-wait comes closer: never a try sent into a window it meant to skip', () => {
    // 15 s of budget, 8 s left in the window: the skipped window would end at 18.3 s, so the next one it is.
    const pacer = new RateLimitPacer(
      15_000,
      MAIN,
      () => 0,
      () => 0,
    );
    pacer.refused(headers({ 'x-ratelimit-remaining': '0', 'x-ratelimit-reset': '8', ...policy }));
    expect(pacer.delay()).toBe(8_300);
  });

  test("a policy window longer than a server's longest wait is spread as a minute", () => {
    const pacer = new RateLimitPacer(
      HOUR,
      MAIN,
      () => 0,
      () => 0,
    );
    // The client reads every answer's headers, a 429's too, before it counts the refusal.
    const longWindow = headers({ 'x-ratelimit-remaining': '0', 'x-ratelimit-reset': '2', 'x-ratelimit-policy': '1000;w=3600' });
    pacer.note(longWindow);
    pacer.refused(longWindow);
    expect(pacer.delay()).toBe(2_000 + 60_000 + 300);
  });

  test('the waits of one step are bounded by rate-limit-wait, then it fails naming the limit', () => {
    let now = 0;
    const pacer = new RateLimitPacer(
      14_000,
      MAIN,
      () => 0,
      () => now,
    );
    const waits = [];
    for (let i = 0; i < 2; i++) {
      pacer.refused(refusal);
      waits.push(pacer.delay());
      now += waits.at(-1) as number;
    }
    // The second landing would skip a window it cannot afford: the next opening, cut to the 1.7 s left.
    expect(waits).toEqual([12_300, 1_700]);
    pacer.refused(refusal);
    expect(() => pacer.delay()).toThrow(RateLimitExceededError);
    expect(() => pacer.delay()).toThrow(
      /rate limit \(10 requests per 10 s per API key\) kept refusing this step: it waited 14s of its rate-limit-wait of 14s/,
    );
  });
});

describe("the post step's start from the main step's view", () => {
  let now = 0;
  const clock = () => now;
  const mainStep = (answers: Record<string, string>[], refusals = 0) => {
    const pacer = new RateLimitPacer(HOUR, MAIN, () => 0, clock);
    for (const answer of answers) pacer.note(headers({ ...policy, ...answer }));
    for (let i = 0; i < refusals; i++) pacer.refused(refusal);
    return pacer.handover();
  };
  const postStep = (handover: PacerHandover | undefined, random = 0) =>
    new RateLimitPacer(HOUR, { step: 'post', handover }, () => random, clock);

  test('a window the main step left less than half of is waited for, not tried', () => {
    now = 1_000;
    const handover = mainStep([{ 'x-ratelimit-remaining': '4', 'x-ratelimit-reset': '4' }]);
    expect(handover).toEqual({ windowMs: 10_000, windowEndsAt: 5_000, remaining: 4, limit: 10, refusals: 0 });
    now = 1_300;
    // The window's end plus a post step's opening (200 ms with random() = 0).
    expect(postStep(handover).delay()).toBe(5_000 + 200 - 1_300);
  });

  test('a window the main step left half of or more is tried at once', () => {
    now = 1_000;
    const handover = mainStep([
      { 'x-ratelimit-remaining': '0', 'x-ratelimit-reset': '4' },
      { 'x-ratelimit-remaining': '5', 'x-ratelimit-reset': '9' },
    ]);
    expect(handover?.remaining).toBe(5);
    expect(postStep(handover).delay()).toBe(0);
  });

  test('a main step refused in that window makes the post step wait for the next, whatever was left', () => {
    now = 0;
    const handover = mainStep([{ 'x-ratelimit-remaining': '9', 'x-ratelimit-reset': '9' }], 1);
    expect(postStep(handover).delay()).toBe(9_000 + 200);
  });

  test("the main step's refusals widen the post step's first retry while its window is open", () => {
    now = 0;
    const handover = mainStep([{ 'x-ratelimit-remaining': '5', 'x-ratelimit-reset': '9' }], 2);
    const firstRetry = (at: number) => {
      now = at;
      const post = postStep(handover, 1);
      post.refused(refusal);
      return post.delay();
    };
    // Two refusals carried over: the third spans 6 windows (the window's wait is taken into the retry's).
    expect(firstRetry(100)).toBe(52_300);
    // Once that window has ended the crowd may be gone: the next window again.
    expect(firstRetry(9_000)).toBe(2_300);
  });

  test("a main step's 429s long before its last answer (minutes of polling since) are not handed over", () => {
    now = 0;
    const pacer = new RateLimitPacer(HOUR, MAIN, () => 0, clock);
    pacer.refused(refusal);
    now = 12_300;
    pacer.note(headers({ ...policy, 'x-ratelimit-remaining': '9', 'x-ratelimit-reset': '10' }));
    expect(pacer.handover()?.refusals).toBe(1);
    // Eight windows after that 429 its last answer's window ends later still: the crowd is old news.
    now = 75_000;
    pacer.note(headers({ ...policy, 'x-ratelimit-remaining': '8', 'x-ratelimit-reset': '9' }));
    expect(pacer.handover()).toMatchObject({ refusals: 0, remaining: 8 });
    expect(postStep(pacer.handover()).delay()).toBe(0);
  });

  test('a post step without a view from its main step simply tries', () => {
    expect(postStep(undefined).delay()).toBe(0);
  });
});

describe('the handover in the saved state', () => {
  const variable = 'STATE_rate-limit';
  // The runner's way from GITHUB_STATE to the post step's environment.
  const stateEnv = (text: string) =>
    Object.fromEntries(Object.entries(parseFileCommands(text)).map(([name, value]) => [`STATE_${name}`, value]));
  afterEach(() => {
    delete process.env[variable];
  });
  const saved: PacerHandover = { windowMs: 10_000, windowEndsAt: 2, remaining: 3, limit: 10, refusals: 1 };

  test('what the main step saves, its post step reads', () => {
    const dir = mkdtempSync(join(tmpdir(), 'cc-state-'));
    process.env.GITHUB_STATE = join(dir, 'state');
    writeFileSync(process.env.GITHUB_STATE, '');
    try {
      saveHandover(saved);
      Object.assign(process.env, stateEnv(readFileSync(process.env.GITHUB_STATE, 'utf8')));
    } finally {
      delete process.env.GITHUB_STATE;
      rmSync(dir, { recursive: true });
    }
    expect(readHandover()).toEqual(saved);
  });

  test.each([
    '',
    'not json',
    JSON.stringify({ ...saved, windowMs: 0 }),
    JSON.stringify({ ...saved, refusals: -1 }),
    JSON.stringify({ ...saved, windowEndsAt: '2' }),
    JSON.stringify({ ...saved, remaining: 1.5 }),
    JSON.stringify({ ...saved, limit: 0 }),
    JSON.stringify({ ...saved, windowEndsAt: undefined }),
    // A window ending a day from now is no main step's view (its waits are capped at a minute).
    JSON.stringify({ ...saved, windowEndsAt: Date.now() + 86_400_000 }),
  ])('a state that cannot be read (%j) is no view: the post step simply tries', (text) => {
    process.env[variable] = text;
    expect(readHandover()).toBeUndefined();
  });
});
