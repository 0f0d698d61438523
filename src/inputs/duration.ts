import { InputError, quote } from './errors.js';

const UNIT_MS: Record<string, number> = { s: 1_000, m: 60_000, h: 3_600_000, d: 86_400_000, w: 604_800_000 };
const DURATION = /^(?:\d+[smhdw])+$/;
const DURATION_SYNTAX = 'a duration such as 90s, 30m, 2h, 7d or 1h30m';

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

/** A positive duration, at most `maxMs` when given (a timer past 2^31 ms would fire at once). */
export function parseDuration(input: string, text: string, maxMs?: number): number {
  const ms = durationMs(text);
  const accepted = maxMs === undefined ? DURATION_SYNTAX : `${DURATION_SYNTAX}, at most ${formatDuration(maxMs)}`;
  if (ms === undefined || ms <= 0) throw new InputError(input, `is ${quote(text)}, not a positive duration`, accepted);
  if (maxMs !== undefined && ms > maxMs) throw new InputError(input, `is ${quote(text)}, longer than allowed`, accepted);
  return ms;
}

// RFC 3339 as the API's `format: date-time` demands: a date, a time and an offset.
const TIMESTAMP = /^(\d{4})-(\d{2})-(\d{2})[Tt ](\d{2}):(\d{2})(?::(\d{2})(?:\.\d+)?)?(?:[Zz]|[+-](\d{2}):(\d{2}))$/;
/** The latest instant a JavaScript Date holds. */
const MAX_TIME = 8.64e15;

/** The timestamp's instant, or NaN when it is not a real one (Date.parse rolls 30 February over to March). */
function timestampMs(text: string): number {
  const parts = TIMESTAMP.exec(text)
    ?.slice(1)
    .map((part) => Number(part ?? 0));
  if (!parts) return Number.NaN;
  const [year = 0, month = 0, day = 0, hour = 0, minute = 0, second = 0, offsetHours = 0, offsetMinutes = 0] = parts;
  const daysInMonth = new Date(Date.UTC(year, month, 0)).getUTCDate();
  const real = month >= 1 && month <= 12 && day >= 1 && day <= daysInMonth && hour < 24 && minute < 60 && second < 60;
  return real && offsetHours < 24 && offsetMinutes < 60 ? Date.parse(text) : Number.NaN;
}

/**
 * An expiry as the API wants it: an ISO-8601 timestamp in the future, or null for "never".
 * `now` is passed in so the caller and the tests agree on the instant.
 */
export function parseExpiry(input: string, text: string, now: number): string | null {
  if (/^never$/i.test(text)) return null;
  const ms = durationMs(text);
  const at = ms !== undefined ? now + ms : timestampMs(text);
  const accepted = `an ISO-8601 timestamp with a time zone (2030-01-31T18:00:00Z), ${DURATION_SYNTAX} from now, or never`;
  const shown = quote(text);
  if (Number.isNaN(at)) throw new InputError(input, `is ${shown}, neither a real timestamp nor a duration`, accepted);
  if (at <= now) throw new InputError(input, `is ${shown}, which is not in the future`, accepted);
  if (at > MAX_TIME) throw new InputError(input, `is ${shown}, too far in the future`, `${accepted} (or never, for no expiry)`);
  return new Date(at).toISOString();
}
