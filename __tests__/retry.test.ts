import { describe, expect, test } from '@jest/globals';
import { isTransient, mayHaveCommitted, retryDelayMs, serverDelayMs } from '../src/api/retry.js';

const headers = (values: Record<string, string>) => ({ get: (name: string) => values[name.toLowerCase()] ?? null });

describe('retry policy', () => {
  test.each([
    [0, true],
    [429, true],
    [500, true],
    [503, true],
    [400, false],
    [401, false],
    [403, false],
    [404, false],
  ])('status %d transient: %s', (status, transient) => expect(isTransient({ status, maybeProcessed: true })).toBe(transient));

  test('a 429 or a refused connection did nothing; a 5xx or a timeout may have', () => {
    expect(mayHaveCommitted({ status: 429, maybeProcessed: true })).toBe(false);
    expect(mayHaveCommitted({ status: 0, maybeProcessed: false })).toBe(false);
    expect(mayHaveCommitted({ status: 0, maybeProcessed: true })).toBe(true);
    expect(mayHaveCommitted({ status: 502, maybeProcessed: true })).toBe(true);
  });

  test('waits for the rate-limit window on a 429, not on a 5xx', () => {
    const h = headers({ 'x-ratelimit-reset': '3.25' });
    expect(retryDelayMs({ status: 429, maybeProcessed: false, headers: h }, 1, () => 0)).toBe(3250);
    expect(retryDelayMs({ status: 503, maybeProcessed: true, headers: h }, 1, () => 0)).toBe(500);
  });

  test('Retry-After wins, in seconds or as a date', () => {
    expect(serverDelayMs(headers({ 'retry-after': '2', 'x-ratelimit-reset': '9' }), true)).toBe(2000);
    const inFive = new Date(Date.now() + 5000).toUTCString();
    expect(serverDelayMs(headers({ 'retry-after': inFive }), true)).toBeGreaterThan(3000);
  });

  test('backoff doubles with jitter and is capped', () => {
    const delays = [1, 2, 3, 10].map((attempt) => retryDelayMs({ status: 500, maybeProcessed: true }, attempt, () => 1));
    expect(delays).toEqual([1000, 2000, 4000, 30000]);
    expect(retryDelayMs({ status: 500, maybeProcessed: true }, 2, () => 0)).toBe(1000);
  });
});
