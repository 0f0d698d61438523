/**
 * `npm run bench`: measures the committed bundle (dist/index.js) run the way the GitHub runner
 * runs it, against the built-in emulator in this process, and prints a table. The same figures go
 * to bench/results.json, next to the previous run's when that file exists.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ACTION_ENTRY, POST_ENTRY, ROOT } from '../emulator/runner.js';
import { type Emulator, type EmulatorOptions, startEmulator } from '../emulator/server.js';
import { FLEET_GOALS, LIMIT, minimumMs, simulateFleets, WINDOW_MS } from './fleet-sim.js';
import { RSS_METHOD, scratchFile, timedStep, type TimedRun } from './step.js';

const RESULTS = join(ROOT, 'bench', 'results.json');
const DIST = join(ROOT, 'dist');
// Every create-key run leaves its key behind: 2 × (WARMUP_PAIRS + PAIRS + RSS_PAIRS) + 1 must stay under the
// emulated organization's 100 keys.
const PAIRS = 21;
const WARMUP_PAIRS = 2; // first runs pay for a cold page cache and a cold emulator
const RSS_PAIRS = 5;
const REVOKES = 10;
const READY_AFTER_MS = 20_000;
// Jobs of a matrix sharing one admin key, each a create-key step and its post step (the organization holds at most 100 keys).
const FLEET_RATE_LIMIT = { limit: LIMIT, windowMs: WINDOW_MS };
const SIMULATED_RUNS = 200;

type Figure = number | string;
const figures: Record<string, Figure> = {};
/** Upper bounds the figures are meant to stay under. */
const goals: Record<string, number> = {};

function record(name: string, value: Figure, goal?: number): void {
  figures[name] = value;
  if (goal !== undefined) goals[name] = goal;
}

const median = (values: number[]) => {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? (sorted[mid] as number) : ((sorted[mid - 1] as number) + (sorted[mid] as number)) / 2;
};
const round = (value: number, digits = 1) => Math.round(value * 10 ** digits) / 10 ** digits;
const mb = (kb: number) => round(kb / 1024);

function firstError(run: TimedRun): string {
  const line = run.stdout.split('\n').find((l) => l.startsWith('::error::')) ?? run.stderr.trim().split('\n')[0] ?? '';
  return line.replace(/^::error::/, '').slice(0, 160);
}

function expectOk(run: TimedRun, what: string): TimedRun {
  // The runner hides what `::add-mask::` names; printed here, those lines would show the secrets.
  const stdout = run.stdout.replace(/^::add-mask::.*$/gm, '::add-mask::***');
  if (run.exitCode !== 0) throw new Error(`${what} exited ${run.exitCode}: ${firstError(run)}\n${stdout}\n${run.stderr}`);
  return run;
}

async function withEmulator<T>(
  options: EmulatorOptions,
  body: (emulator: Emulator, inputs: Record<string, string>) => Promise<T>,
): Promise<T> {
  const emulator = await startEmulator(options);
  const inputs = {
    organization: emulator.organizationId,
    'api-key-id': emulator.adminKey.keyId,
    'api-key-secret': emulator.adminKey.secret,
    'api-url': emulator.url,
  };
  try {
    return await body(emulator, inputs);
  } finally {
    await emulator.close();
  }
}

// The least a create-key step can cost: start node, send the same request, read the answer. It
// reads the same INPUT_* environment the action gets.
const FLOOR = scratchFile(
  'floor.mjs',
  `import { request } from 'node:http';
import { randomInt } from 'node:crypto';
const env = process.env;
const nonce = Array.from({ length: 8 }, () => 'abcdefghijklmnopqrstuvwxyz0123456789'[randomInt(36)]).join('');
const body = JSON.stringify({
  name: 'gha-octo-org-octo-repo-' + env.GITHUB_RUN_ID + '-' + env.GITHUB_RUN_ATTEMPT + '-' + nonce,
  roles: ['developer'],
  expireAt: new Date(Date.now() + 6 * 3600e3).toISOString(),
  state: 'enabled',
});
const url = new URL(env['INPUT_API-URL'].replace(/\\/+$/, '') + '/v1/organizations/' + env.INPUT_ORGANIZATION + '/keys');
const authorization = 'Basic ' + Buffer.from(env['INPUT_API-KEY-ID'] + ':' + env['INPUT_API-KEY-SECRET']).toString('base64');
const headers = { Authorization: authorization, Accept: 'application/json', 'User-Agent': 'floor', 'Content-Type': 'application/json' };
request(url, { method: 'POST', headers }, (res) => {
  let text = '';
  res.setEncoding('utf8').on('data', (chunk) => (text += chunk));
  res.on('end', () => (process.exitCode = res.statusCode === 200 && JSON.parse(text).result?.keySecret ? 0 : 1));
}).end(body);
`,
);

// A load hook (it runs in a worker) appends every file URL node loads, to tell which dist/ files a step really reads.
const LOADED_LOG = scratchFile('loaded.log', '');
scratchFile(
  'hooks.mjs',
  `import { appendFileSync } from 'node:fs';
export async function load(url, context, next) {
  if (url.startsWith('file:')) appendFileSync(process.env.BENCH_LOADED_LOG, url + '\\n');
  return next(url, context);
}
`,
);
const REGISTER_HOOKS = scratchFile('register.mjs', `import { register } from 'node:module';\nregister('./hooks.mjs', import.meta.url);\n`);

async function createKeyFigures(): Promise<void> {
  await withEmulator({}, async (_emulator, inputs) => {
    const step = { ...inputs, operation: 'create-key' };
    const action: number[] = [];
    const floor: number[] = [];
    for (let i = 0; i < WARMUP_PAIRS + PAIRS; i++) {
      const a = expectOk(await timedStep(ACTION_ENTRY, step), 'create-key');
      const f = expectOk(await timedStep(FLOOR, step), 'floor');
      if (i < WARMUP_PAIRS) continue;
      action.push(a.ms);
      floor.push(f.ms);
    }
    record(`create-key step, median of ${PAIRS} (ms)`, round(median(action)));
    record(`floor: node:http POST, median of ${PAIRS} (ms)`, round(median(floor)));
    record('wall time ratio', round(median(action) / median(floor), 2), 1.6);

    // Separate runs: the /usr/bin/time wrapper adds a fork and exec that the timings above should not carry.
    const actionRss: number[] = [];
    const floorRss: number[] = [];
    for (let i = 0; i < RSS_PAIRS; i++) {
      actionRss.push(expectOk(await timedStep(ACTION_ENTRY, step, { rss: true }), 'create-key').peakRssKb ?? NaN);
      floorRss.push(expectOk(await timedStep(FLOOR, step, { rss: true }), 'floor').peakRssKb ?? NaN);
    }
    record(`create-key peak RSS, median of ${RSS_PAIRS} (MB)`, mb(median(actionRss)));
    record(`floor peak RSS, median of ${RSS_PAIRS} (MB)`, mb(median(floorRss)));
    record('peak RSS ratio', round(median(actionRss) / median(floorRss), 2), 1.6);

    expectOk(
      await timedStep(ACTION_ENTRY, step, { nodeArgs: ['--import', REGISTER_HOOKS], env: { BENCH_LOADED_LOG: LOADED_LOG } }),
      'create-key (load hook)',
    );
  });
}

function distFigures(): void {
  const loaded = new Set(
    readFileSync(LOADED_LOG, 'utf8')
      .split('\n')
      .filter(Boolean)
      .map((url) => fileURLToPath(url))
      .filter((path) => path.startsWith(DIST + '/'))
      .map((path) => path.slice(DIST.length + 1)),
  );
  // .map files are read only to format a stack trace; licenses.txt never.
  const code = readdirSync(DIST, { recursive: true, encoding: 'utf8' })
    .filter((file) => /\.(c|m)?js$/.test(file))
    .sort();
  const size = (file: string) => statSync(join(DIST, file)).size;
  const sum = (files: Iterable<string>) => [...files].reduce((total, file) => total + size(file), 0);
  record('dist/ JavaScript, all files (bytes)', sum(code), 400_000);
  record('dist/ loaded by a create-key step (bytes)', sum(loaded), 250_000);
  for (const file of code) record(`  dist/${file}${loaded.has(file) ? '' : ' (not loaded)'} (bytes)`, size(file));
}

async function revokeFigures(): Promise<void> {
  await withEmulator({}, async (emulator, inputs) => {
    const step = { ...inputs, operation: 'create-key' };
    const times: number[] = [];
    for (let i = 0; i < REVOKES; i++) {
      const main = expectOk(await timedStep(ACTION_ENTRY, step), 'create-key');
      const post = expectOk(await timedStep(POST_ENTRY, step, { state: main.state, env: main.exportedEnv }), 'post step');
      if (emulator.keys().some((key) => key.id === main.outputs.id)) throw new Error(`the post step left key ${main.outputs.id} alive`);
      times.push(post.ms);
    }
    record(`post step (revoke), median of ${REVOKES} (ms)`, round(median(times)));
  });
}

async function waitForReadyFigures(): Promise<void> {
  const latency = 'wait-for-ready: step end after Ready (s)';
  const rate = 'wait-for-ready: polls per minute of waiting';
  await withEmulator({ readyAfterMs: READY_AFTER_MS }, async (emulator, inputs) => {
    const graceMs = 30_000;
    const run = await timedStep(
      ACTION_ENTRY,
      {
        ...inputs,
        operation: 'create-reverse-private-endpoint',
        service: emulator.serviceId,
        description: 'bench',
        type: 'VPC_ENDPOINT_SERVICE',
        'vpc-endpoint-service-name': 'com.amazonaws.vpce.us-east-1.vpce-svc-0123456789abcdef0',
        'wait-for-ready': 'true',
        'wait-timeout': '2m',
      },
      { killAfterMs: READY_AFTER_MS + graceMs },
    );
    if (run.exitCode !== 0 && /^::error::Input 'operation'.*not implement/im.test(run.stdout)) {
      record(latency, 'n/a (operation not implemented)', 5);
      record(rate, 'n/a (operation not implemented)', 12);
      return;
    }
    const listPath = `/v1/organizations/${emulator.organizationId}/services/${emulator.serviceId}/clickpipesReversePrivateEndpoints`;
    const created = emulator.requests.find((r) => r.method === 'POST' && r.path === listPath && r.status === 200);
    const endpoint = emulator.reversePrivateEndpoints()[0];
    if (!created || !endpoint || (run.exitCode !== 0 && !run.killed)) {
      const why = `failed (exit ${run.exitCode}): ${firstError(run)}`;
      record(latency, why, 5);
      record(rate, why, 12);
      return;
    }
    // Polling the list is polling too, so both count; a list read before the POST (a look for an existing endpoint) does not.
    const polls = emulator.requests
      .slice(emulator.requests.indexOf(created) + 1)
      .filter((r) => r.method === 'GET' && (r.path === `${listPath}/${endpoint.id}` || r.path === listPath));
    const readyAt = created.at + READY_AFTER_MS;
    const waitedMs = (polls.at(-1)?.at ?? run.endedAt) - created.at;
    record(latency, run.killed ? `> ${graceMs / 1000} (killed; ${polls.length} polls)` : round((run.endedAt - readyAt) / 1000, 2), 5);
    record(rate, round(polls.length / (waitedMs / 60_000)), 12);
    record('wait-for-ready: polls (GETs of the endpoint)', polls.length);
    if (!run.killed && run.outputs.status !== 'Ready') record('wait-for-ready: status output', run.outputs.status ?? '(none)');
  });
}

async function fleetFigures(): Promise<void> {
  for (const size of Object.keys(FLEET_GOALS).map(Number)) {
    await fleetOf(size);
    simulatedFleetOf(size);
  }
}

/** The same fleet in bench/fleet-sim.ts, many times over: one measured run is one draw of these. */
function simulatedFleetOf(size: number): void {
  const { wall, requests, failedSteps } = simulateFleets(size, SIMULATED_RUNS);
  const name = `fleet of ${size}, simulated ${SIMULATED_RUNS} times`;
  record(`${name}: steps failed`, failedSteps, 0);
  record(`${name}: wall / minimum, median (90th percentile)`, `${round(wall.median, 2)} (${round(wall.p90, 2)})`);
  record(`${name}: requests / minimum, median (90th percentile)`, `${round(requests.median, 2)} (${round(requests.p90, 2)})`);
}

/**
 * `size` jobs started together, each running create-key and then its post step, all with one
 * admin key against the rate-limited emulator. Each job needs 2 requests, so the limit allows
 * them in no less than (2 × size / limit − 1) windows.
 */
async function fleetOf(size: number): Promise<void> {
  await withEmulator({ rateLimit: FLEET_RATE_LIMIT }, async (emulator, inputs) => {
    const step = { ...inputs, operation: 'create-key' };
    const killAfterMs = 15 * 60_000;
    const job = async () => {
      const main = await timedStep(ACTION_ENTRY, step, { killAfterMs });
      const post = await timedStep(POST_ENTRY, step, { state: main.state, killAfterMs });
      return { main, post };
    };
    const start = Date.now();
    const jobs = await Promise.all(Array.from({ length: size }, job));
    const wallMs = Math.max(...jobs.map(({ post }) => post.endedAt)) - start;
    const minimumRequests = 2 * size;
    const leastMs = minimumMs(size);
    const requests = emulator.requests.filter((r) => r.path.startsWith('/v1/'));
    const name = `fleet of ${size}`;
    const failed = jobs.filter(({ main, post }) => main.exitCode !== 0 || !main.outputs.id || post.exitCode !== 0);
    const goal = FLEET_GOALS[size];
    record(`${name}: jobs failed`, failed.length, 0);
    if (failed[0]) record(`${name}: first failure`, firstError(failed[0].main.exitCode !== 0 ? failed[0].main : failed[0].post));
    record(`${name}: keys left after the post steps`, emulator.keys().length - 1, 0);
    record(`${name}: wall time (s)`, round(wallMs / 1000, 1));
    record(`${name}: minimum the limit allows (s)`, leastMs / 1000);
    record(`${name}: wall / minimum`, round(wallMs / leastMs, 2), goal?.wall);
    record(`${name}: requests (429s among them)`, `${requests.length} (${requests.filter((r) => r.status === 429).length})`);
    record(`${name}: requests / minimum (${minimumRequests})`, round(requests.length / minimumRequests, 2), goal?.requests);
  });
}

function git(...args: string[]): string {
  try {
    return execFileSync('git', args, { cwd: ROOT, encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim();
  } catch {
    return '';
  }
}

function printTable(previous?: { figures: Record<string, Figure> }): void {
  // Figures only the previous run had (a dist/ file since removed) come last, with '-' for this run.
  const names = [...Object.keys(figures), ...Object.keys(previous?.figures ?? {}).filter((name) => !(name in figures))];
  const rows = names.map((name) => {
    const value = figures[name] ?? '-';
    const goal = goals[name];
    const verdict = goal === undefined ? '' : typeof value === 'number' ? `<= ${goal} ${value <= goal ? 'met' : 'MISSED'}` : `<= ${goal}`;
    return [name, String(value), previous ? String(previous.figures[name] ?? '-') : '-', verdict];
  });
  const header = ['figure', 'this run', 'previous', 'goal'];
  const widths = header.map((title, i) => Math.max(title.length, ...rows.map((row) => (row[i] as string).length)));
  for (const row of [header, ...rows])
    console.log(row.map((cell, i) => (i === 0 ? cell.padEnd(widths[i] as number) : cell.padStart(widths[i] as number))).join('  '));
}

const started = Date.now();
const previous = existsSync(RESULTS)
  ? (JSON.parse(readFileSync(RESULTS, 'utf8')) as { at: string; figures: Record<string, Figure> })
  : undefined;
const distChanged = git('status', '--porcelain', '--', 'dist') !== '';
console.log(
  `Benchmark of ${ACTION_ENTRY} (commit ${git('rev-parse', '--short', 'HEAD') || 'unknown'}${distChanged ? ', dist/ modified' : ''}), node ${process.version}`,
);
console.log(`Peak RSS: ${RSS_METHOD}`);
// The runner uses the node that action.yml names; start-up costs differ between majors.
const runsOn = /^\s+using:\s*node(\d+)/m.exec(readFileSync(join(ROOT, 'action.yml'), 'utf8'))?.[1];
if (runsOn && runsOn !== process.versions.node.split('.')[0])
  console.log(`Note: action.yml runs on node${runsOn}; measured with ${process.version}.`);
const sections: [string, () => unknown][] = [
  ['create-key steps and the floor', createKeyFigures],
  ['dist/ sizes', distFigures],
  ['post steps', revokeFigures],
  [`wait-for-ready (the endpoint is Ready after ${READY_AFTER_MS / 1000} s)`, waitForReadyFigures],
  [`fleets of ${Object.keys(FLEET_GOALS).join(', ')} jobs sharing one key`, fleetFigures],
];
// `npm run bench -- fleet` measures only the sections whose title contains "fleet" (several words: any of them).
const only = process.argv.slice(2);
for (const [title, measure] of sections.filter(([title]) => only.length === 0 || only.some((word) => title.includes(word)))) {
  console.error(`... ${title}`);
  await measure();
}
console.log(`Previous run: ${previous ? previous.at : 'none'}\n`);
printTable(previous);
console.log(`\nBenchmark took ${round((Date.now() - started) / 1000)} s.`);
writeFileSync(
  RESULTS,
  `${JSON.stringify(
    {
      at: new Date().toISOString(),
      commit: git('rev-parse', 'HEAD'),
      distModified: distChanged,
      node: process.version,
      rssMethod: RSS_METHOD,
      goals,
      figures,
      previous: previous ? { at: previous.at, figures: previous.figures } : null,
    },
    null,
    2,
  )}\n`,
);
