import { TEST_INTERVALS_VARIABLE } from '../../src/intervals.js';

/**
 * The action's waits in the runner-style tests, set for every *.action.test.ts file by
 * jest.config.js: polls and backoff short enough that no test sits through the contract's
 * seconds, and an IP lookup timeout long enough that a healthy loopback lookup meets it on a
 * loaded machine.
 */
export const TEST_INTERVALS = { pollMs: 50, retryBaseMs: 20, ipLookupTimeoutMs: 1_000, deleteConflictRetryMs: 100 };

/** A step's env for the contract's intervals: for a signal that must land during a wait. */
export const CONTRACT_INTERVALS = { [TEST_INTERVALS_VARIABLE]: '' };

process.env[TEST_INTERVALS_VARIABLE] = JSON.stringify(TEST_INTERVALS);
