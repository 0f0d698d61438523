import { InputError } from './errors.js';

const UNIT_MS: Record<string, number> = { s: 1_000, m: 60_000, h: 3_600_000, d: 86_400_000, w: 604_800_000 };
const DURATION = /^(?:\d+[smhdw])+$/;
export const DURATION_SYNTAX = 'a duration such as 90s, 30m, 2h, 7d or 1h30m';

/** Milliseconds of a duration like `90s`, `2h` or `1h30m`; undefined when the text is not one. */
export function durationMs(text: string): number | undefined {
  const compact = text.replace(/\s+/g, '').toLowerCase();
  if (!DURATION.test(compact)) return undefined;
  let total = 0;
  for (const [, amount, unit] of compact.matchAll(/(\d+)([smhdw])/g)) {
    total += Number(amount) * (UNIT_MS[unit as string] as number);
  }
  return total;
}

/** `90s`, `30m`, `24h`, `7d`: the largest unit that divides the duration evenly. */
export function formatDuration(ms: number): string {
  for (const unit of ['w', 'd', 'h', 'm'] as const) {
    const size = UNIT_MS[unit] as number;
    if (ms >= size && ms % size === 0) return `${ms / size}${unit}`;
  }
  return `${Math.round(ms / 1000)}s`;
}

export function parseDuration(input: string, text: string): number {
  const ms = durationMs(text);
  if (ms === undefined || ms <= 0) {
    throw new InputError(input, `is ${JSON.stringify(text.slice(0, 80))}, not a positive duration`, DURATION_SYNTAX);
  }
  return ms;
}

// RFC 3339 as the API's `format: date-time` demands: a date, a time and an offset.
const TIMESTAMP = /^\d{4}-\d{2}-\d{2}[Tt ]\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?(?:[Zz]|[+-]\d{2}:\d{2})$/;

/**
 * An expiry as the API wants it: an ISO-8601 timestamp in the future, or null for "never".
 * `now` is passed in so the caller and the tests agree on the instant.
 */
export function parseExpiry(input: string, text: string, now: number): string | null {
  if (/^never$/i.test(text)) return null;
  const ms = durationMs(text);
  const at = ms !== undefined ? now + ms : TIMESTAMP.test(text) ? Date.parse(text) : Number.NaN;
  const accepted = `an ISO-8601 timestamp with a time zone (2030-01-31T18:00:00Z), ${DURATION_SYNTAX} from now, or never`;
  if (Number.isNaN(at)) {
    throw new InputError(input, `is ${JSON.stringify(text.slice(0, 80))}, neither a timestamp nor a duration`, accepted);
  }
  if (at <= now) {
    throw new InputError(input, `is ${JSON.stringify(text.slice(0, 80))}, which is not in the future`, accepted);
  }
  return new Date(at).toISOString();
}
