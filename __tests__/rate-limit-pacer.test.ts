import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, test } from '@jest/globals';
import { parseFileCommands } from '../emulator/runner.js';
import { readHandover, saveHandover } from '../src/api/handover.js';
import { RateLimitExceededError, RateLimitPacer } from '../src/api/rate-limit.js';

const headers = (values: Record<string, string>) => ({ get: (name: string) => values[name.toLowerCase()] ?? null });
const policy = { 'x-ratelimit-policy': '10;w=10;comment="fixed window"' };
// A 429 two seconds before the window of 10 s ends.
const refusal = headers({ 'x-ratelimit-remaining': '0', 'x-ratelimit-reset': '2', ...policy });
const HOUR = 3_600_000;

describe('rate-limit pacing', () => {
  test('retries are spent on whole windows: the next, then one of the next 3, then one of the next 8', () => {
    // random() = 1: the last window of each span, and the latest return after its opening (200 + 400 ms).
    const pacer = new RateLimitPacer(
      HOUR,
      () => 1,
      () => 0,
    );
    const waits: number[] = [];
    for (let i = 0; i < 5; i++) {
      pacer.refused(refusal);
      waits.push(pacer.delay());
    }
    expect(waits).toEqual([2_600, 22_600, 72_600, 72_600, 72_600]);
  });

  test('a retry returns a little after its window opens, never at a random instant inside it', () => {
    const pacer = new RateLimitPacer(
      HOUR,
      () => 0,
      () => 0,
    );
    pacer.refused(refusal);
    expect(pacer.delay()).toBe(2_200);
    pacer.refused(refusal);
    expect(pacer.delay()).toBe(2_200);
  });

  test('a used-up window from a successful answer makes the next request wait for its opening', () => {
    const pacer = new RateLimitPacer(
      HOUR,
      () => 0,
      () => 0,
    );
    pacer.note(headers({ 'x-ratelimit-remaining': '0', 'x-ratelimit-reset': '3.5' }));
    expect(pacer.delay()).toBe(3_700);
  });

  test('the waits of one step are bounded by rate-limit-wait, then it fails naming the limit', () => {
    const pacer = new RateLimitPacer(
      5_000,
      () => 0,
      () => 0,
    );
    pacer.refused(refusal);
    expect(pacer.delay()).toBe(2_200);
    pacer.refused(refusal);
    expect(pacer.delay()).toBe(2_200);
    pacer.refused(refusal);
    expect(pacer.delay()).toBe(600);
    pacer.refused(refusal);
    expect(() => pacer.delay()).toThrow(RateLimitExceededError);
    expect(() => pacer.delay()).toThrow(
      /rate limit \(10 requests per 10 s per API key\) kept refusing this step: it waited 5s of its rate-limit-wait of 5s/,
    );
  });
});

describe("the post step's start from the main step's view", () => {
  let now = 0;
  const clock = () => now;
  const mainStep = (answers: Record<string, string>[], refusals = 0) => {
    const pacer = new RateLimitPacer(HOUR, () => 0, clock);
    for (const answer of answers) pacer.note(headers({ ...policy, ...answer }));
    for (let i = 0; i < refusals; i++) pacer.refused(refusal);
    return pacer.handover();
  };

  test('a window the main step left used up is waited for, not tried', () => {
    now = 1_000;
    const handover = mainStep([{ 'x-ratelimit-remaining': '0', 'x-ratelimit-reset': '4' }]);
    expect(handover).toEqual({ at: 1_000, windowMs: 10_000, spentUntil: 5_000, refusals: 0 });
    now = 1_300;
    const post = new RateLimitPacer(HOUR, () => 0, clock, handover);
    expect(post.delay()).toBe(5_000 + 200 - 1_300);
  });

  test('a window the main step left with room is tried at once', () => {
    now = 1_000;
    const handover = mainStep([
      { 'x-ratelimit-remaining': '0', 'x-ratelimit-reset': '4' },
      { 'x-ratelimit-remaining': '3', 'x-ratelimit-reset': '9' },
    ]);
    expect(handover?.spentUntil).toBeUndefined();
    expect(new RateLimitPacer(HOUR, () => 0, clock, handover).delay()).toBe(0);
  });

  test("the main step's refusals widen the post step's first retry while they are recent", () => {
    now = 0;
    const handover = mainStep([{ 'x-ratelimit-remaining': '5', 'x-ratelimit-reset': '9' }], 2);
    const firstRetry = (at: number) => {
      now = at;
      const post = new RateLimitPacer(HOUR, () => 1, clock, handover);
      post.refused(refusal);
      return post.delay();
    };
    // Two refusals carried over: the third spans 8 windows.
    expect(firstRetry(100)).toBe(72_600);
    // A window later the crowd may be gone: the next window again.
    expect(firstRetry(10_000)).toBe(2_600);
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

  test('what the main step saves, its post step reads', () => {
    const dir = mkdtempSync(join(tmpdir(), 'cc-state-'));
    process.env.GITHUB_STATE = join(dir, 'state');
    writeFileSync(process.env.GITHUB_STATE, '');
    try {
      saveHandover({ at: 1, windowMs: 10_000, spentUntil: 2, refusals: 1 });
      Object.assign(process.env, stateEnv(readFileSync(process.env.GITHUB_STATE, 'utf8')));
    } finally {
      delete process.env.GITHUB_STATE;
      rmSync(dir, { recursive: true });
    }
    expect(readHandover()).toEqual({ at: 1, windowMs: 10_000, spentUntil: 2, refusals: 1 });
  });

  test.each([
    '',
    'not json',
    '{"at":1,"windowMs":0,"refusals":0}',
    '{"at":1,"windowMs":10000,"refusals":-1}',
    '{"at":"1","windowMs":10000,"refusals":0}',
  ])('a state that cannot be read (%j) is no view: the post step simply tries', (text) => {
    process.env[variable] = text;
    expect(readHandover()).toBeUndefined();
  });
});
