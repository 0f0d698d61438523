import { formatDuration } from '../inputs/duration.js';
import { rateLimitResetMs, SERVER_WAIT_CAP_MS, serverDelayMs, type Failure } from './retry.js';

/** The API's documented limit, for messages and when an answer carries no policy header. */
const DEFAULT_LIMIT = 10;
const DEFAULT_WINDOW_MS = 10_000;

/** Where a retry lands after a step's 1st, 2nd and any further 429: windows skipped, then one of `span` windows. */
interface Landing {
  skip: number;
  span: number;
}
/**
 * A 429 says only that the window is full, never how many others wait (the counter counts
 * successes), so retries are spread by how often this step has been refused. The jobs that got
 * into a full window send their next request, often their post step, in the next window, where
 * post steps go first; so a main step's first two refusals skip that window. The figures were
 * chosen in bench/fleet-sim.ts (this pacer, 10 to 90 jobs on one key, many runs) and are measured
 * by `npm run bench -- fleet` (README, Performance).
 */
const MAIN_LANDINGS: Landing[] = [
  { skip: 1, span: 1 },
  { skip: 1, span: 2 },
  { skip: 0, span: 6 },
];
/** A post step's revoke meets only other post steps first in a window: it skips none. */
const POST_LANDINGS: Landing[] = MAIN_LANDINGS.map(({ span }) => ({ skip: 0, span }));
/**
 * When in a window a step returns, after its opening (the window starts at the first request
 * after the last one ended, so a retry right at the opening may still meet the old one). Post
 * steps come first: a key left alive is the worst outcome, and their turn ends a job.
 */
const OPENINGS = { post: { from: 200, spread: 100 }, main: { from: 300, spread: 400 } };
/**
 * The main step's 429s tell its post step the key is crowded only while they are recent: the
 * last one came at most this many windows before the window of its last answer ended (a third
 * refusal's landing is at most 7 windows on), not before minutes of polling.
 */
const RECENT_WINDOWS = 8;

/** Which step paces: a post step carries its main step's view of the rate limit, when it saved one. */
export type PacerRole = { step: 'main' } | { step: 'post'; handover?: PacerHandover };

/**
 * What the post step learns from the main step's pacer through the saved state (no secret): the
 * window its last answer came in, how much of it was left, and how often the main step was
 * refused.
 */
export interface PacerHandover {
  windowMs: number;
  /** When the window of the main step's last answer ends, in ms since the epoch. */
  windowEndsAt: number;
  /** Requests that window had left (X-RateLimit-Remaining). */
  remaining: number;
  limit: number;
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
  private limit = DEFAULT_LIMIT;
  private windowMs = DEFAULT_WINDOW_MS;
  private last?: { windowEndsAt: number; remaining: number };
  private lastRefusalAt?: number;
  private readonly step: PacerRole['step'];

  constructor(
    private readonly budgetMs: number,
    role: PacerRole = { step: 'main' },
    private readonly random: () => number = Math.random,
    private readonly now: () => number = Date.now,
  ) {
    this.step = role.step;
    const handover = role.step === 'post' ? role.handover : undefined;
    if (!handover || this.now() >= handover.windowEndsAt) return;
    // The main step's window is still open: its recent refusals say the key is crowded now.
    ({ windowMs: this.windowMs, limit: this.limit, refusals: this.refusals } = handover);
    // A crowded key (the main step was refused lately, or its last answer left less than half of
    // the window) would only refuse the revoke: it waits for the next window's opening, where
    // post steps go first.
    if (handover.refusals > 0 || handover.remaining < handover.limit / 2) this.reopensAt = handover.windowEndsAt + this.opening();
  }

  /** Reads the rate-limit headers of any answer. */
  note(headers: Failure['headers']): void {
    const policy = /^(\d+);\s*w=(\d+(?:\.\d+)?)/.exec(headers?.get('x-ratelimit-policy') ?? '');
    if (policy) {
      this.limit = Number(policy[1]);
      this.windowMs = Number(policy[2]) * 1000;
    }
    const remaining = Number(headers?.get('x-ratelimit-remaining') ?? Number.NaN);
    const reset = rateLimitResetMs(headers);
    if (!Number.isInteger(remaining) || remaining < 0 || reset === undefined) return;
    const windowEndsAt = this.now() + reset;
    this.last = { windowEndsAt, remaining };
    if (remaining === 0) this.reopensAt = Math.max(this.reopensAt, windowEndsAt + this.opening());
  }

  /**
   * A 429: the next try waits for the opening of a window the step's landings pick, never one
   * past what is left of rate-limit-wait (a try sent early would land in a window it meant to skip).
   */
  refused(headers: Failure['headers']): void {
    const landings = this.step === 'post' ? POST_LANDINGS : MAIN_LANDINGS;
    const { skip, span } = landings[Math.min(this.refusals, landings.length - 1)] as Landing;
    this.refusals += 1;
    const now = this.now();
    this.lastRefusalAt = now;
    // A window longer than a server may make one wait last (a policy header's hour) is spread as if it were that long.
    const windowMs = Math.min(this.windowMs, SERVER_WAIT_CAP_MS);
    const opensAt = now + (serverDelayMs(headers, true) ?? windowMs) + this.opening();
    const affordable = Math.floor((this.budgetMs - this.waitedMs - (opensAt - now)) / windowMs);
    const later = Math.max(0, Math.min(skip + Math.min(span - 1, Math.floor(this.random() * span)), affordable));
    this.reopensAt = Math.max(this.reopensAt, opensAt + later * windowMs);
  }

  /** How long to wait before the next request; throws once rate-limit-wait is used up. */
  delay(): number {
    const wait = Math.max(0, this.reopensAt - this.now());
    if (wait === 0) return 0;
    const left = this.budgetMs - this.waitedMs;
    if (left <= 0) throw new RateLimitExceededError(this.waitedMs, this.budgetMs, `${this.limit} requests per ${this.windowMs / 1000} s`);
    const granted = Math.min(wait, left);
    this.waitedMs += granted;
    return granted;
  }

  /** What the post step needs from this (the main step's) pacer; undefined before any rate-limit header. */
  handover(): PacerHandover | undefined {
    const { last, lastRefusalAt, windowMs, limit } = this;
    if (!last) return undefined;
    const recent =
      lastRefusalAt !== undefined && last.windowEndsAt - lastRefusalAt <= RECENT_WINDOWS * Math.min(windowMs, SERVER_WAIT_CAP_MS);
    return { ...last, windowMs, limit, refusals: recent ? this.refusals : 0 };
  }

  private opening(): number {
    const { from, spread } = OPENINGS[this.step];
    return from + Math.round(this.random() * spread);
  }
}
