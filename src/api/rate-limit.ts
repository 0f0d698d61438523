import { formatDuration } from '../inputs/duration.js';
import { rateLimitResetMs, serverDelayMs, type Failure } from './retry.js';

/** The API's documented limit, for messages and when a 429 carries no policy header. */
const DEFAULT_WINDOW_MS = 10_000;
/**
 * Retries are spent on whole windows: after a step's first 429 it returns in the next window,
 * after its second in one of the next 3, after any further one in one of the next 8. A 429 says
 * only that the window is full, never how many others wait (the counter counts successes), so a
 * job cannot size the fleet; growing the span with each refusal meets a small matrix at the
 * limit's speed and spreads a large one. The figures come from a simulation of 10 to 90 jobs on
 * one key and are checked by `npm run bench -- fleet` (README, Performance).
 */
const WINDOW_SPANS = [1, 3, 8];
/**
 * A retry returns this long after its window opens, plus up to OPENING_SPREAD_MS: the window is
 * then fresh, so the first of the waiting jobs take it whole, and a late opening (the window
 * starts at the first request after the last one ended) does not meet the retry in the old one.
 */
const OPENING_MS = 200;
const OPENING_SPREAD_MS = 400;

/**
 * What the post step learns from the main step's pacer through the saved state (no secret): a
 * window the main step's last answer found used up is waited for, not tried; and its refusals,
 * a measure of how crowded the key is, carry on while they are recent.
 */
export interface PacerHandover {
  /** When the main step's last answer came, in ms since the epoch. */
  at: number;
  windowMs: number;
  /** When the window that answer found used up opens again; absent when it had room. */
  spentUntil?: number;
  refusals: number;
}

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
  private answeredAt?: number;
  private spentUntil?: number;

  constructor(
    private readonly budgetMs: number,
    private readonly random: () => number = Math.random,
    private readonly now: () => number = Date.now,
    handover?: PacerHandover,
  ) {
    if (!handover) return;
    this.windowMs = handover.windowMs;
    if (this.now() - handover.at < handover.windowMs) this.refusals = handover.refusals;
    if (handover.spentUntil !== undefined) this.reopensAt = handover.spentUntil + this.opening();
  }

  /** Reads the rate-limit headers of any answer. */
  note(headers: Failure['headers']): void {
    const policy = /^(\d+);\s*w=(\d+(?:\.\d+)?)/.exec(headers?.get('x-ratelimit-policy') ?? '');
    if (policy) {
      this.windowMs = Number(policy[2]) * 1000;
      this.limit = `${policy[1]} requests per ${policy[2]} s`;
    }
    const remaining = headers?.get('x-ratelimit-remaining');
    if (remaining === null || remaining === undefined) return;
    this.answeredAt = this.now();
    const reset = rateLimitResetMs(headers);
    this.spentUntil = remaining === '0' && reset !== undefined ? this.answeredAt + reset : undefined;
    if (this.spentUntil !== undefined) this.reopensAt = Math.max(this.reopensAt, this.spentUntil + this.opening());
  }

  /** A 429: the next try waits for the opening of a window WINDOW_SPANS picks among. */
  refused(headers: Failure['headers']): void {
    const span = WINDOW_SPANS[Math.min(this.refusals, WINDOW_SPANS.length - 1)] as number;
    this.refusals += 1;
    const reset = serverDelayMs(headers, true) ?? this.windowMs;
    const later = Math.min(span - 1, Math.floor(this.random() * span));
    this.reopensAt = Math.max(this.reopensAt, this.now() + reset + later * this.windowMs + this.opening());
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

  /** What the post step needs from this (the main step's) pacer; undefined before any rate-limit header. */
  handover(): PacerHandover | undefined {
    if (this.answeredAt === undefined) return undefined;
    const { windowMs, spentUntil, refusals } = this;
    return { at: this.answeredAt, windowMs, refusals, ...(spentUntil === undefined ? {} : { spentUntil }) };
  }

  private opening(): number {
    return OPENING_MS + Math.round(this.random() * OPENING_SPREAD_MS);
  }
}
