import type { ChildProcess } from 'node:child_process';
import { runStep, type StepOptions, type StepRun } from '../../emulator/runner.js';

export const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

export async function until(condition: () => boolean, timeoutMs = 10_000): Promise<void> {
  for (let waited = 0; !condition(); waited += 20) {
    if (waited > timeoutMs) throw new Error('timed out waiting for the emulator');
    await sleep(20);
  }
}

/**
 * Runs the main step and sends it `signals`, 150 ms apart, once `when` holds: the runner cancels
 * a job with SIGINT, then SIGTERM 7.5 s later, then SIGKILL 2.5 s after that.
 */
export function cancelledMain(
  inputs: Record<string, string>,
  when: () => boolean,
  signals: NodeJS.Signals[],
  options: StepOptions = {},
): Promise<StepRun> {
  return runStep(inputs, {
    ...options,
    onSpawn: (child: ChildProcess) => {
      void (async () => {
        await until(when);
        for (const signal of signals) {
          child.kill(signal);
          await sleep(150);
        }
      })();
    },
  });
}
