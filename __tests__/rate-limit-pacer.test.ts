import { describe, expect, test } from '@jest/globals';
import { RateLimitExceededError, RateLimitPacer } from '../src/api/rate-limit.js';

const headers = (values: Record<string, string>) => ({ get: (name: string) => values[name.toLowerCase()] ?? null });
const refusal = headers({ 'x-ratelimit-remaining': '0', 'x-ratelimit-reset': '2', 'x-ratelimit-policy': '10;w=10;comment="fixed window"' });

describe('rate-limit pacing', () => {
  test('each further 429 spreads the retry over more of the coming windows, up to a bound', () => {
    const now = 0;
    // random() = 1: the far end of each spread, so the growth is visible.
    const pacer = new RateLimitPacer(
      3_600_000,
      () => 1,
      () => now,
    );
    const waits: number[] = [];
    for (let i = 0; i < 6; i++) {
      pacer.refused(refusal);
      waits.push(pacer.delay());
    }
    // The 2 s reset, then 2, 4, 8, 8, 8 windows of 10 s.
    expect(waits).toEqual([22_000, 42_000, 82_000, 82_000, 82_000, 82_000]);
  });

  test('with random() = 0 a refused request returns at the reset', () => {
    const pacer = new RateLimitPacer(
      60_000,
      () => 0,
      () => 0,
    );
    pacer.refused(refusal);
    expect(pacer.delay()).toBe(2_000);
  });

  test('a used-up window from a successful answer makes the next request wait for its reset', () => {
    const pacer = new RateLimitPacer(
      60_000,
      () => 0,
      () => 0,
    );
    pacer.note(headers({ 'x-ratelimit-remaining': '0', 'x-ratelimit-reset': '3.5' }));
    expect(pacer.delay()).toBe(3_500);
  });

  test('the waits of one step are bounded by rate-limit-wait, then it fails naming the limit', () => {
    const pacer = new RateLimitPacer(
      5_000,
      () => 0,
      () => 0,
    );
    pacer.refused(refusal);
    expect(pacer.delay()).toBe(2_000);
    pacer.refused(refusal);
    expect(pacer.delay()).toBe(2_000);
    pacer.refused(refusal);
    expect(pacer.delay()).toBe(1_000);
    pacer.refused(refusal);
    expect(() => pacer.delay()).toThrow(RateLimitExceededError);
    expect(() => pacer.delay()).toThrow(
      /rate limit \(10 requests per 10 s per API key\) kept refusing this step: it waited 5s of its rate-limit-wait of 5s/,
    );
  });
});
