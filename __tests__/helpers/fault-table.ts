import { describe, expect, test } from '@jest/globals';
import { runStep, type StepRun } from '../../emulator/runner.js';
import type { Emulator, Fault } from '../../emulator/server.js';
import { apiRequests, stepInputs } from './emulator.js';

export interface FaultRow {
  fault: string;
  /** The fault, on the operation's requests of `method` (the first `times` of them). */
  inject?: { method: string; fault: Fault; times?: number };
  inputs?: Record<string, string>;
  exitCode: number;
  /** Requests the API saw during the main step. */
  requests: number;
  /** Resources (keys or endpoints) the main step left, and the job once its post step ran. */
  left: number;
  afterPost?: number;
  check?: (main: StepRun) => void;
}

/**
 * Runs one operation under each fault as a workflow job (main step, then post step) and checks
 * the step's exit code, how many requests the API saw, and how many resources were left.
 */
export function faultTable(
  operation: string,
  emulator: () => Emulator,
  inputs: (emulator: Emulator) => Record<string, string>,
  count: (emulator: Emulator) => number,
  rows: FaultRow[],
): void {
  describe(`${operation} under faults`, () => {
    test.each(rows.map((row) => [row.fault, row] as const))('%s', async (_name, row) => {
      const before = count(emulator());
      if (row.inject) emulator().addFault({ method: row.inject.method, times: row.inject.times ?? 1, fault: row.inject.fault });
      const stepInputsNow = stepInputs(emulator(), { operation, ...inputs(emulator()), ...row.inputs });
      const main = await runStep(stepInputsNow);
      expect({ exitCode: main.exitCode, requests: apiRequests(emulator()).length, left: count(emulator()) - before }).toEqual({
        exitCode: row.exitCode,
        requests: row.requests,
        left: row.left,
      });
      row.check?.(main);
      const post = await runStep(stepInputsNow, { state: main.state });
      expect(post.exitCode).toBe(0);
      expect(count(emulator()) - before).toBe(row.afterPost ?? row.left);
    });
  });
}
