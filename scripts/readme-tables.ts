/**
 * Writes the README's inputs and outputs tables from action.yml, between the
 * `<!-- inputs:start -->`/`<!-- inputs:end -->` (and outputs) markers, so the two never disagree.
 * `--check` writes nothing and exits 1 when the README is stale (run by .ci/run).
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { format, resolveConfig } from 'prettier';
import { parse } from 'yaml';

interface ActionYaml {
  inputs: Record<string, { description: string; required?: boolean; default?: string }>;
  outputs: Record<string, { description: string }>;
}

const readmePath = new URL('../README.md', import.meta.url);
const action = parse(readFileSync(new URL('../action.yml', import.meta.url), 'utf8')) as ActionYaml;
const cell = (text: string) => text.replace(/\|/g, '\\|').replace(/\n/g, ' ');

const inputs = [
  '| input | required | default | description |',
  '|---|---|---|---|',
  ...Object.entries(action.inputs).map(
    ([name, input]) =>
      `| \`${name}\` | ${input.required ? 'yes' : 'no'} | ${input.default === undefined ? '' : `\`${input.default}\``} | ${cell(input.description)} |`,
  ),
];
const outputs = [
  '| output | description |',
  '|---|---|',
  ...Object.entries(action.outputs).map(([name, output]) => `| \`${name}\` | ${cell(output.description)} |`),
];

function replaceBlock(text: string, marker: string, lines: string[]): string {
  const start = `<!-- ${marker}:start (generated from action.yml by npm run readme) -->`;
  const end = `<!-- ${marker}:end -->`;
  const from = text.indexOf(start);
  const to = text.indexOf(end);
  if (from < 0 || to < from) throw new Error(`README.md lacks the ${marker} markers`);
  return `${text.slice(0, from + start.length)}\n${lines.join('\n')}\n${text.slice(to)}`;
}

const current = readFileSync(readmePath, 'utf8');
// Formatted as `npm run format` would, so lint and this check agree on the same text.
const options = { ...(await resolveConfig(fileURLToPath(readmePath))), filepath: fileURLToPath(readmePath) };
const next = await format(replaceBlock(replaceBlock(current, 'inputs', inputs), 'outputs', outputs), options);
if (process.argv.includes('--check')) {
  if (next !== current) {
    console.error('README.md tables differ from action.yml: run `npm run readme`');
    process.exit(1);
  }
} else {
  writeFileSync(readmePath, next);
}
