import { intervals } from '../intervals.js';

/**
 * When to try a request again and how long to wait first. Kept apart from the client so the
 * policy can be read, and unit-tested, on its own.
 */
export interface Failure {
  /** HTTP status, or 0 when no answer came. */
  status: number;
  /** Whether the request may have reached the server (a timeout or reset after sending). */
  maybeProcessed: boolean;
  headers?: { get(name: string): string | null };
}

/**
 * Transient faults: network errors, timeouts, 429, 5xx, and a 2xx whose answer cannot be read (a
 * proxy's page, a cut-short body). 400/401/403/404 never are.
 */
export function isTransient(failure: Failure): boolean {
  return failure.status === 0 || isSuccessStatus(failure.status) || failure.status === 429 || failure.status >= 500;
}

const isSuccessStatus = (status: number) => status >= 200 && status < 300;

/**
 * Whether the server may have carried the request out. A 429 is refused before any work, a
 * refused connection never arrived; a 5xx, a reset, a timeout or an unreadable 2xx may have
 * committed it.
 */
export function mayHaveCommitted(failure: Failure): boolean {
  if (failure.status === 429) return false;
  if (failure.status === 0) return failure.maybeProcessed;
  return isSuccessStatus(failure.status) || failure.status >= 500;
}

const CAP_MS = 30_000;
/** The longest a server may make one wait last: a day's Retry-After would outlive any job. */
export const SERVER_WAIT_CAP_MS = 60_000;

/**
 * Milliseconds to wait before attempt `attempt + 1`. The server's own word wins: Retry-After,
 * then the rate-limit window's reset; otherwise exponential backoff with jitter so a fleet of
 * jobs sharing one key does not retry in lockstep.
 */
export function retryDelayMs(failure: Failure, attempt: number, random: () => number = Math.random): number {
  const jitter = (ms: number): number => Math.round(ms * (0.5 + random() * 0.5));
  const told = serverDelayMs(failure.headers, failure.status === 429);
  if (told !== undefined) return told + Math.round(random() * 250);
  return jitter(Math.min(CAP_MS, intervals.retryBaseMs * 2 ** (attempt - 1)));
}

/**
 * Retry-After (seconds or an HTTP date), else, when rate-limited, X-RateLimit-Reset; capped at
 * SERVER_WAIT_CAP_MS.
 */
export function serverDelayMs(headers: Failure['headers'], rateLimited: boolean): number | undefined {
  const retryAfter = headers?.get('retry-after');
  if (retryAfter) {
    const seconds = Number(retryAfter);
    const ms = Number.isFinite(seconds) ? seconds * 1000 : Date.parse(retryAfter) - Date.now();
    if (Number.isFinite(ms)) return capped(ms);
  }
  return rateLimited ? rateLimitResetMs(headers) : undefined;
}

/**
 * X-RateLimit-Reset as milliseconds from now. The API sends the seconds left in the window (maybe
 * fractional); a value like an epoch time (other APIs send one) is read as that instant.
 */
export function rateLimitResetMs(headers: Failure['headers']): number | undefined {
  const reset = Number(headers?.get('x-ratelimit-reset') ?? Number.NaN);
  if (!Number.isFinite(reset) || reset < 0) return undefined;
  return capped(reset > 1e9 ? reset * 1000 - Date.now() : reset * 1000);
}

function capped(ms: number): number {
  return Math.min(SERVER_WAIT_CAP_MS, Math.max(0, Math.ceil(ms)));
}
