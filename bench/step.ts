/**
 * The benchmark's view of a step: emulator/runner.ts's runStep (the runner's environment, file
 * commands, post-step state), plus the step's peak RSS when asked, and a scratch folder.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runStep, type StepOptions, type StepRun } from '../emulator/runner.js';

export interface TimedRun extends StepRun {
  peakRssKb?: number;
}

export interface TimedOptions extends StepOptions {
  /** Measure peak RSS (a separate run is better for timing: the wrapper costs a fork and exec). */
  rss?: boolean;
}

const scratch = mkdtempSync(join(tmpdir(), 'cc-bench-'));
process.on('exit', () => rmSync(scratch, { recursive: true, force: true }));

/** Writes a file into the benchmark's scratch folder (removed at exit) and returns its path. */
export function scratchFile(name: string, text: string): string {
  const path = join(scratch, name);
  writeFileSync(path, text);
  return path;
}

// GNU time reads the child's own rusage after wait4, so it counts nothing of ours; busybox or a
// missing binary fall back to the child reporting its own maxRSS at exit through a preload.
const GNU_TIME = '/usr/bin/time';
const hasGnuTime =
  existsSync(GNU_TIME) && spawnSync(GNU_TIME, ['-f', '%M', '-o', join(scratch, 'probe'), process.execPath, '-e', '0']).status === 0;
const rssPreload = scratchFile(
  'rss-preload.cjs',
  `process.on('exit', () => require('node:fs').writeFileSync(process.env.BENCH_RSS_FILE, String(process.resourceUsage().maxRSS)));\n`,
);
export const RSS_METHOD = hasGnuTime
  ? `${GNU_TIME} -f %M (rusage of the child after wait4)`
  : 'process.resourceUsage().maxRSS in the child at exit (--require preload)';

let runs = 0;

export async function timedStep(entry: string, inputs: Record<string, string>, options: TimedOptions = {}): Promise<TimedRun> {
  const rssFile = join(scratch, `rss-${++runs}`);
  const { rss, ...stepOptions } = options;
  const measured: StepOptions = !rss
    ? stepOptions
    : hasGnuTime
      ? { ...stepOptions, wrapper: [GNU_TIME, '-f', '%M', '-o', rssFile] }
      : {
          ...stepOptions,
          nodeArgs: ['--require', rssPreload, ...(stepOptions.nodeArgs ?? [])],
          env: { ...stepOptions.env, BENCH_RSS_FILE: rssFile },
        };
  const run = await runStep(inputs, { ...measured, entry });
  // GNU time prefixes "Command exited with non-zero status N" lines; the figure is the last line.
  const rssText = rss && existsSync(rssFile) ? readFileSync(rssFile, 'utf8').trim().split('\n').pop() : undefined;
  return rssText ? { ...run, peakRssKb: Number(rssText) } : run;
}
