import * as core from '@actions/core';
import type { PacerHandover } from './rate-limit.js';
import { SERVER_WAIT_CAP_MS } from './retry.js';

const NAME = 'rate-limit';

/** Saves the main step's view of the rate limit for its post step: times and a count, never a secret. */
export function saveHandover(handover: PacerHandover | undefined): void {
  if (handover) core.saveState(NAME, JSON.stringify(handover));
}

/**
 * The main step's view of the rate limit, or undefined when it saved none or it cannot be read:
 * the post step then simply tries, as a step without one does.
 */
export function readHandover(): PacerHandover | undefined {
  let value: unknown;
  try {
    value = JSON.parse(core.getState(NAME) || 'null');
  } catch {
    return undefined;
  }
  if (typeof value !== 'object' || value === null) return undefined;
  const { windowMs, windowEndsAt, remaining, limit, refusals } = value as Record<string, unknown>;
  const finite = (n: unknown): n is number => typeof n === 'number' && Number.isFinite(n);
  const count = (n: unknown): n is number => Number.isInteger(n) && (n as number) >= 0;
  if (!finite(windowEndsAt) || !finite(windowMs) || windowMs <= 0) return undefined;
  // The main step read the window's end from a wait capped at a minute: a later one is not its view (or the clock moved back).
  if (windowEndsAt > Date.now() + SERVER_WAIT_CAP_MS) return undefined;
  if (!count(remaining) || !count(limit) || limit === 0 || !count(refusals)) return undefined;
  return { windowMs, windowEndsAt, remaining, limit, refusals };
}
