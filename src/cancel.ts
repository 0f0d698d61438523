import { info } from './log.js';

/**
 * Cancellation of the main step. The runner sends SIGINT, then SIGTERM 7.5 s later, then SIGKILL.
 * Everything the post step needs is on disk before each request that creates or changes
 * something, so on the first signal the step starts nothing new (no further request, no retry)
 * but lets a request already sent finish, so its answer can still be recorded; on the second it
 * exits at once.
 */
export class Cancellation {
  private reason: string | undefined;
  private readonly waiters = new Set<() => void>();

  get cancelled(): string | undefined {
    return this.reason;
  }

  cancel(signal: string): void {
    this.reason = signal;
    for (const wake of this.waiters) wake();
    this.waiters.clear();
  }

  /** A sleep that a cancellation ends early. */
  sleep(ms: number): Promise<void> {
    if (this.reason) return Promise.resolve();
    return new Promise((resolve) => {
      const done = () => {
        clearTimeout(timer);
        this.waiters.delete(done);
        resolve();
      };
      const timer = setTimeout(done, ms);
      this.waiters.add(done);
    });
  }
}

/** The step's cancellation, wired to SIGINT and SIGTERM. */
export function onSignals(): Cancellation {
  const cancellation = new Cancellation();
  const handle = (signal: NodeJS.Signals) => {
    if (cancellation.cancelled) {
      info(`${signal} after ${cancellation.cancelled}: stopping now; the post step finishes or undoes what this step began.`);
      process.exit(1);
      return;
    }
    info(`${signal}: the job is being cancelled; no new request is sent, and the post step finishes or undoes what this step began.`);
    cancellation.cancel(signal);
  };
  process.on('SIGINT', handle);
  process.on('SIGTERM', handle);
  return cancellation;
}

export class CancelledError extends Error {
  constructor(
    signal: string,
    what: string,
    /** No try of the request it stopped can have been carried out: the change was never made. */
    readonly nothingCarriedOut = false,
  ) {
    super(`The step was cancelled (${signal}) before ${what}; the post step finishes or undoes what it began.`);
    this.name = 'CancelledError';
  }
}
