/**
 * `npm run local -- path/to/.env`: runs the bundled action from a checkout the way the runner
 * would (main step, then post step), with inputs from a dotenv file, against the API or a local
 * emulator. Lines are `INPUT_<NAME>=value` (as @github/local-action reads them) or `<name>=value`;
 * other upper-case names (CLICKHOUSE_CLOUD_API_KEY, HTTPS_PROXY, RUNNER_DEBUG, …) become the
 * step's environment. Secrets the action masks are shown as ***.
 */
import { readFileSync } from 'node:fs';
import { printStep } from './present.js';
import { runStep } from './runner.js';

const file = process.argv[2];
if (!file) {
  console.error('usage: npm run local -- <dotenv file>   (see README, "Run it locally")');
  process.exit(2);
}

const inputs: Record<string, string> = {};
const env: Record<string, string> = {};
for (const line of readFileSync(file, 'utf8').split(/\r?\n/)) {
  const match = /^\s*(?:export\s+)?([A-Za-z_][A-Za-z0-9_-]*)\s*=\s*(.*?)\s*$/.exec(line);
  if (!match || line.trimStart().startsWith('#')) continue;
  const [, name = '', raw = ''] = match;
  const value = /^(["']).*\1$/.test(raw) ? raw.slice(1, -1).replace(/\\n/g, '\n') : raw;
  if (name.startsWith('INPUT_')) inputs[name.slice('INPUT_'.length).toLowerCase()] = value;
  else if (/[a-z-]/.test(name)) inputs[name] = value;
  else env[name] = value;
}

const main = await runStep(inputs, { env });
printStep('main step', main);
const post = await runStep(inputs, { env: { ...env, ...main.exportedEnv }, state: main.state });
printStep('post step', post);
process.exitCode = main.exitCode || post.exitCode;
