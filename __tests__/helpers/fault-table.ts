import { describe, expect, test } from '@jest/globals';
import { runStep, type StepRun } from '../../emulator/runner.js';
import type { Emulator, Fault } from '../../emulator/server.js';
import { apiRequests, stepInputs } from './emulator.js';
import { CONTRACT_INTERVALS } from './intervals.js';

/** A fault on the operation's main request, and the step inputs that go with it. */
export interface FaultCase {
  fault?: Fault;
  times?: number;
  inputs?: Record<string, string>;
  /** The steps' environment. */
  env?: Record<string, string>;
}

/** The faults of the reliability issue, each defined once for every operation's table. */
export const FAULTS = {
  // As the live API sends it: no Retry-After, only the X-RateLimit-* headers (Reset: the window, at most 1 s).
  '429, rate limited': { fault: { kind: 'status', status: 429 } },
  '503 then success': { fault: { kind: 'status', status: 503 } },
  'connection reset before the response': { fault: { kind: 'reset' } },
  'response dropped after the commit': { fault: { kind: 'drop-after-commit' } },
  // Committed 0.2 s after the step gave up on it: the contract's backoff (at least 0.5 s) makes the
  // step's next request come after the commit, as a real server's would.
  'slow response past the timeout': { fault: { kind: 'delay', ms: 1200 }, inputs: { 'request-timeout': '1s' }, env: CONTRACT_INTERVALS },
  '401': { inputs: { 'api-key-secret': 'wrong' } },
  '500 on every try': { fault: { kind: 'status', status: 500 }, times: 2, inputs: { 'max-attempts': '2' } },
} satisfies Record<string, FaultCase>;

export interface Expected {
  exitCode: number;
  /** Requests the API saw during the main step. */
  requests: number;
  /** Resources (keys or endpoints) the main step left, and the job once its post step ran. */
  left: number;
  afterPost?: number;
  /** The post step's exit code; default 0. */
  postExitCode?: number;
  check?: (main: StepRun) => void;
}

export interface FaultTable {
  operation: string;
  /** The HTTP method of the request the faults hit. */
  method: string;
  inputs: (emulator: Emulator) => Record<string, string>;
  count: (emulator: Emulator) => number;
  rows: Array<[name: string, fault: FaultCase, expected: Expected]>;
}

export const says = (pattern: RegExp) => (main: StepRun) => expect(main.stdout).toMatch(pattern);

/** The standard faults, with one expectation each. */
export function standardRows(expected: Record<keyof typeof FAULTS, Expected>): FaultTable['rows'] {
  return Object.entries(FAULTS).map(([name, fault]) => [name, fault, expected[name as keyof typeof FAULTS]]);
}

/**
 * Runs one operation under each fault as a workflow job (main step, then post step) and checks
 * the step's exit code, how many requests the API saw, and how many resources were left.
 */
export function faultTable(emulator: () => Emulator, table: FaultTable): void {
  describe(`${table.operation} under faults`, () => {
    test.each(table.rows)('%s', async (_name, fault, expected) => {
      const before = table.count(emulator());
      if (fault.fault) emulator().addFault({ method: table.method, times: fault.times ?? 1, fault: fault.fault });
      const inputs = stepInputs(emulator(), { operation: table.operation, ...table.inputs(emulator()), ...fault.inputs });
      const main = await runStep(inputs, { env: fault.env });
      expect({ exitCode: main.exitCode, requests: apiRequests(emulator()).length, left: table.count(emulator()) - before }).toEqual({
        exitCode: expected.exitCode,
        requests: expected.requests,
        left: expected.left,
      });
      expected.check?.(main);
      const post = await runStep(inputs, { state: main.state, env: fault.env });
      expect(post.exitCode).toBe(expected.postExitCode ?? 0);
      expect(table.count(emulator()) - before).toBe(expected.afterPost ?? expected.left);
    });
  });
}
