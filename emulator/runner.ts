/**
 * Runs the bundled action the way the GitHub runner does: every input as INPUT_<NAME> (with
 * action.yml's defaults filled in), the file commands GITHUB_OUTPUT / GITHUB_STATE / GITHUB_ENV /
 * GITHUB_STEP_SUMMARY in a fresh folder, and a post step that gets the main step's state as
 * STATE_<name> and the exported variables in its environment. Used by the tests, the demo and
 * the benchmark; never by src/.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import { parse } from 'yaml';
import { TEST_INTERVALS_VARIABLE } from '../src/intervals.js';

export const ROOT = fileURLToPath(new URL('..', import.meta.url));
export const ACTION_ENTRY = join(ROOT, 'dist', 'index.js');
export const POST_ENTRY = join(ROOT, 'dist', 'post', 'index.js');

export interface StepOptions {
  /** State saved by an earlier main step: makes this run the post step. */
  state?: Record<string, string>;
  /** Which of action.yml's entries to run; default the post step when `state` is given, else main. */
  phase?: 'main' | 'post';
  /** Called with the spawned step, e.g. to send it the runner's cancellation signals. */
  onSpawn?: (child: ChildProcess) => void;
  /** Extra environment (e.g. RUNNER_DEBUG, CLICKHOUSE_CLOUD_API_KEY, variables exported earlier). */
  env?: Record<string, string>;
  entry?: string;
  /** Node options before the entry (e.g. `--import` for a loader hook). */
  nodeArgs?: string[];
  /** A command that runs node (e.g. GNU time to read peak memory): `[program, ...args]`. */
  wrapper?: string[];
  /** Kill the step this long after spawn, so a hanging step cannot stall a benchmark. */
  killAfterMs?: number;
}

export interface StepRun {
  exitCode: number;
  stdout: string;
  stderr: string;
  outputs: Record<string, string>;
  state: Record<string, string>;
  exportedEnv: Record<string, string>;
  summary: string;
  /** Everything the step wrote anywhere but GITHUB_OUTPUT, for leak checks. */
  allText: string;
  /** Spawn to close (exit and output drained), as the runner waits for it. */
  ms: number;
  /** Date.now() at spawn and close, to line up with the emulator's request times. */
  startedAt: number;
  endedAt: number;
  killed: boolean;
}

const actionDefaults: Record<string, string> = (() => {
  const action = parse(readFileSync(join(ROOT, 'action.yml'), 'utf8')) as { inputs: Record<string, { default?: string }> };
  return Object.fromEntries(
    Object.entries(action.inputs).flatMap(([name, input]) => (input.default === undefined ? [] : [[name, String(input.default)]])),
  );
})();

/** INPUT_<NAME> as @actions/core reads it: upper case, spaces to underscores, hyphens kept. */
export function inputEnv(inputs: Record<string, string>): Record<string, string> {
  const all = { ...actionDefaults, ...inputs };
  return Object.fromEntries(Object.entries(all).map(([name, value]) => [`INPUT_${name.replace(/ /g, '_').toUpperCase()}`, value]));
}

/** Runs one step (main, or post when `state` is given) asynchronously, so an in-process emulator keeps serving. */
export async function runStep(inputs: Record<string, string>, options: StepOptions = {}): Promise<StepRun> {
  const dir = mkdtempSync(join(tmpdir(), 'cc-action-'));
  const files = { GITHUB_OUTPUT: 'output', GITHUB_STATE: 'state', GITHUB_ENV: 'env', GITHUB_STEP_SUMMARY: 'summary' };
  const paths = Object.fromEntries(Object.entries(files).map(([variable, file]) => [variable, join(dir, file)])) as Record<
    keyof typeof files,
    string
  >;
  for (const path of Object.values(paths)) writeFileSync(path, '');
  const stateEnv = Object.fromEntries(Object.entries(options.state ?? {}).map(([name, value]) => [`STATE_${name}`, value]));
  const env: Record<string, string> = {
    PATH: process.env.PATH ?? '',
    HOME: process.env.HOME ?? dir,
    GITHUB_ACTIONS: 'true',
    GITHUB_REPOSITORY: 'octo-org/octo-repo',
    GITHUB_RUN_ID: '1658821493',
    GITHUB_RUN_ATTEMPT: '1',
    RUNNER_TEMP: dir,
    // The tests' shorter waits (src/intervals.ts); a step's own env can still set its own.
    ...(process.env[TEST_INTERVALS_VARIABLE] ? { [TEST_INTERVALS_VARIABLE]: process.env[TEST_INTERVALS_VARIABLE] } : {}),
    ...paths,
    ...inputEnv(inputs),
    ...stateEnv,
    ...options.env,
  };
  try {
    const startedAt = Date.now();
    const start = performance.now();
    const { exitCode, stdout, stderr, killed } = await spawnNode(
      [
        ...(options.nodeArgs ?? []),
        options.entry ?? ((options.phase ?? (options.state ? 'post' : 'main')) === 'post' ? POST_ENTRY : ACTION_ENTRY),
      ],
      env,
      options,
    );
    const ms = performance.now() - start;
    const endedAt = Date.now();
    const read = (variable: keyof typeof files) => readFileSync(paths[variable], 'utf8');
    const summary = read('GITHUB_STEP_SUMMARY');
    const stateText = read('GITHUB_STATE');
    const envText = read('GITHUB_ENV');
    return {
      exitCode,
      stdout,
      stderr,
      outputs: parseFileCommands(read('GITHUB_OUTPUT')),
      state: parseFileCommands(stateText),
      exportedEnv: parseFileCommands(envText),
      summary,
      allText: [stdout, stderr, summary, stateText].join('\n'),
      ms,
      startedAt,
      endedAt,
      killed,
    };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** A job of one step: the main step, then (always, as `post-if: always()`) the post step with its state. */
export async function runJob(inputs: Record<string, string>, options: StepOptions = {}): Promise<{ main: StepRun; post: StepRun }> {
  const main = await runStep(inputs, options);
  const post = await runStep(inputs, { ...options, phase: 'post', state: main.state, env: { ...options.env, ...main.exportedEnv } });
  return { main, post };
}

function spawnNode(
  args: string[],
  env: Record<string, string>,
  { wrapper = [], killAfterMs, onSpawn }: StepOptions,
): Promise<{ exitCode: number; stdout: string; stderr: string; killed: boolean }> {
  return new Promise((resolve, reject) => {
    const [program, ...programArgs] = [...wrapper, process.execPath, ...args] as [string, ...string[]];
    const child = spawn(program, programArgs, { env, stdio: ['ignore', 'pipe', 'pipe'] });
    onSpawn?.(child);
    let stdout = '';
    let stderr = '';
    let killed = false;
    const deadline = killAfterMs === undefined ? undefined : setTimeout(() => (killed = child.kill('SIGKILL')), killAfterMs);
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    child.on('error', reject);
    child.on('close', (code) => {
      clearTimeout(deadline);
      resolve({ exitCode: code ?? 1, stdout, stderr, killed });
    });
  });
}

/** Reads `name<<DELIMITER\nvalue\nDELIMITER` and `name=value` entries, as the runner does. */
export function parseFileCommands(text: string): Record<string, string> {
  const result: Record<string, string> = {};
  const lines = text.split('\n');
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i] as string;
    const heredoc = /^([^=<]+)<<(.+)$/.exec(line);
    if (heredoc) {
      const [, name, delimiter] = heredoc as unknown as [string, string, string];
      const value: string[] = [];
      while (++i < lines.length && lines[i] !== delimiter) value.push(lines[i] as string);
      result[name] = value.join('\n');
    } else if (line.includes('=')) {
      result[line.slice(0, line.indexOf('='))] = line.slice(line.indexOf('=') + 1);
    }
  }
  return result;
}
