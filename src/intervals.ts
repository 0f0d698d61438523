/**
 * The action's own waits, in one place. The figures are the contract's; the environment variable
 * exists only so the repository's tests need not sit through them (README, Development). It is
 * not an input and no workflow should set it.
 */
const CONTRACT = {
  /** Between polls of a service's state or an endpoint's status (wait-for-ready.ts says why 5 s). */
  pollMs: 5_000,
  /** The first retry's backoff, doubled for each further one. */
  retryBaseMs: 1_000,
  /** How long one IP lookup URL has to answer before the next is asked. */
  ipLookupTimeoutMs: 5_000,
  /** How long a service's `/ping` has to answer before the try counts as not ready. */
  pingTimeoutMs: 5_000,
  /** Between DELETEs of a service the API answers 409 although it is in a deletable state (the vendor's provider waits 10 s). */
  deleteConflictRetryMs: 10_000,
};

type Intervals = typeof CONTRACT;

export const TEST_INTERVALS_VARIABLE = 'CLICKHOUSE_CLOUD_ACTION_TEST_INTERVALS';

/** The contract's intervals, with any of them replaced by the JSON object in `text`. */
function readIntervals(text: string | undefined): Intervals {
  if (!text) return { ...CONTRACT };
  const overrides = JSON.parse(text) as Record<string, unknown>;
  for (const [name, value] of Object.entries(overrides)) {
    if (!(name in CONTRACT) || typeof value !== 'number' || !(value >= 0)) {
      throw new Error(`${TEST_INTERVALS_VARIABLE}: ${name} is not one of ${Object.keys(CONTRACT).join(', ')} with a number of ms`);
    }
  }
  return { ...CONTRACT, ...overrides };
}

export const intervals: Readonly<Intervals> = readIntervals(process.env[TEST_INTERVALS_VARIABLE]);
