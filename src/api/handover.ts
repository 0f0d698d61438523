import * as core from '@actions/core';
import type { PacerHandover } from './rate-limit.js';

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
  const { at, windowMs, spentUntil, refusals } = value as Record<string, unknown>;
  const finite = (n: unknown): n is number => typeof n === 'number' && Number.isFinite(n);
  if (!finite(at) || !finite(windowMs) || windowMs <= 0 || !Number.isInteger(refusals) || (refusals as number) < 0) return undefined;
  if (spentUntil !== undefined && !finite(spentUntil)) return undefined;
  return { at, windowMs, refusals: refusals as number, ...(spentUntil === undefined ? {} : { spentUntil }) };
}
