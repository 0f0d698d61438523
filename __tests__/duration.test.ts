import { describe, expect, test } from '@jest/globals';
import { durationMs, formatDuration, parseDuration, parseExpiry } from '../src/inputs/duration.js';
import { InputError } from '../src/inputs/errors.js';

const NOW = Date.parse('2026-11-26T12:00:00Z');

describe('durations', () => {
  test.each([
    ['90s', 90_000],
    ['30m', 1_800_000],
    ['2h', 7_200_000],
    ['7d', 604_800_000],
    ['1h30m', 5_400_000],
    ['2W', 1_209_600_000],
  ])('%s is %d ms', (text, ms) => expect(durationMs(text)).toBe(ms));

  test.each(['', '5', 'h', '1.5h', '-1h', '10 minutes', '1y'])('%j is not a duration', (text) => expect(durationMs(text)).toBeUndefined());

  test.each([
    [90_000, '90s'],
    [1_800_000, '30m'],
    [86_400_000, '1d'],
    [129_600_000, '36h'],
    [1_500, '2s'],
  ])('%d ms reads %s', (ms, text) => expect(formatDuration(ms)).toBe(text));

  test('zero is refused with the input named', () => {
    expect(() => parseDuration('request-timeout', '0s')).toThrow(
      /Input 'request-timeout' is "0s", not a positive duration\. Accepted: a duration such as 90s/,
    );
  });
});

describe('expiry', () => {
  test('a duration counts from now', () => expect(parseExpiry('expire-at', '6h', NOW)).toBe('2026-11-26T18:00:00.000Z'));
  test('never is null', () => expect(parseExpiry('expire-at', 'Never', NOW)).toBeNull());
  test('a timestamp with an offset is normalised to UTC', () => {
    expect(parseExpiry('expire-at', '2027-01-01T10:00:00+02:00', NOW)).toBe('2027-01-01T08:00:00.000Z');
  });
  test.each([
    '2027-01-01',
    '2027-01-01T10:00:00',
    'tomorrow',
    '2027-13-45T99:00:00Z',
    '2030-02-30T00:00:00Z',
    '2030-04-31T12:00:00Z',
    '2030-01-01T24:00:00Z',
  ])('%j is refused', (text) => {
    expect(() => parseExpiry('expire-at', text, NOW)).toThrow(InputError);
  });
  test('29 February of a leap year is a real day', () =>
    expect(parseExpiry('expire-at', '2028-02-29T00:00:00Z', NOW)).toBe('2028-02-29T00:00:00.000Z'));

  test('a duration past what a date can hold is refused, naming the input', () => {
    expect(() => parseExpiry('expire-at', '9999999999d', NOW)).toThrow(/^Input 'expire-at' is "9999999999d", too far in the future/);
  });

  test('a request-timeout past its bound is refused', () => {
    expect(() => parseDuration('request-timeout', '4w', 600_000)).toThrow(
      /^Input 'request-timeout' is "4w", longer than allowed\. Accepted: .* at most 10m/,
    );
  });

  test('the past is refused, saying so', () => {
    expect(() => parseExpiry('expire-at', '2020-01-01T00:00:00Z', NOW)).toThrow(
      /Input 'expire-at' is "2020-01-01T00:00:00Z", which is not in the future\. Accepted: an ISO-8601 timestamp/,
    );
  });
});
