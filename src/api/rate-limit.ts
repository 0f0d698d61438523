import { formatDuration } from '../inputs/duration.js';
import { rateLimitResetMs, serverDelayMs, type Failure } from './retry.js';

/** The API's documented limit, for messages and when a 429 carries no policy header. */
const DEFAULT_WINDOW_MS = 10_000;
/**
 * How far a refused request spreads its retry: over the next `FIRST_SPREAD` windows after its
 * first 429, growing by `SPREAD_GROWTH` with each further one. Jobs that share a key and all
 * retried at the reset would meet again in the same window; spread out, each window serves the
 * limit's worth of them. A first 429 costs at most two windows, so a lone job that meets
 * someone else's traffic is not held up long; the figures were chosen with a simulation of 20
 * to 90 jobs on one key and checked with `npm run bench` (README, Performance).
 */
const FIRST_SPREAD = 2;
const SPREAD_GROWTH = 2;
const MAX_SPREAD = 8;

export class RateLimitExceededError extends Error {
  constructor(waitedMs: number, budgetMs: number, limit: string) {
    super(
      `The API's rate limit (${limit} per API key) kept refusing this step: it waited ${formatDuration(Math.round(waitedMs / 1000) * 1000)} of its rate-limit-wait of ${formatDuration(budgetMs)}. Give each workflow its own API key, run fewer jobs in parallel with one key (strategy.max-parallel), or raise rate-limit-wait.`,
    );
    this.name = 'RateLimitExceededError';
  }
}

/**
 * Paces one step's requests to the API's rate limit: a 429, or a window the headers say is used
 * up, is a wait (bounded by rate-limit-wait for the whole step), never a failed try.
 */
export class RateLimitPacer {
  private reopensAt = 0;
  private waitedMs = 0;
  private refusals = 0;
  private limit = `10 requests per ${DEFAULT_WINDOW_MS / 1000} s`;
  private windowMs = DEFAULT_WINDOW_MS;

  constructor(
    private readonly budgetMs: number,
    private readonly random: () => number = Math.random,
    private readonly now: () => number = Date.now,
  ) {}

  /** Reads the rate-limit headers of any answer. */
  note(headers: Failure['headers']): void {
    const policy = /^(\d+);\s*w=(\d+(?:\.\d+)?)/.exec(headers?.get('x-ratelimit-policy') ?? '');
    if (policy) {
      this.windowMs = Number(policy[2]) * 1000;
      this.limit = `${policy[1]} requests per ${policy[2]} s`;
    }
    const reset = rateLimitResetMs(headers);
    if (headers?.get('x-ratelimit-remaining') === '0' && reset !== undefined) {
      this.reopensAt = Math.max(this.reopensAt, this.now() + reset + Math.round(this.random() * 250));
    }
  }

  /** A 429: the wait until the next try, spread over the coming windows. */
  refused(headers: Failure['headers']): void {
    this.refusals += 1;
    const reset = serverDelayMs(headers, true) ?? this.windowMs;
    const spread = Math.min(MAX_SPREAD, FIRST_SPREAD * SPREAD_GROWTH ** (this.refusals - 1));
    this.reopensAt = Math.max(this.reopensAt, this.now() + reset + Math.round(this.random() * spread * this.windowMs));
  }

  /** How long to wait before the next request; throws once rate-limit-wait is used up. */
  delay(): number {
    const wait = Math.max(0, this.reopensAt - this.now());
    if (wait === 0) return 0;
    const left = this.budgetMs - this.waitedMs;
    if (left <= 0) throw new RateLimitExceededError(this.waitedMs, this.budgetMs, this.limit);
    const granted = Math.min(wait, left);
    this.waitedMs += granted;
    return granted;
  }
}
