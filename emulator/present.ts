import type { StepRun } from './runner.js';

/** `text` with every value the step masked shown as ***, as the runner's log would show it. */
export function masked(run: StepRun, text: string): string {
  const secrets = run.stdout.split('\n').flatMap((line) => (line.startsWith('::add-mask::') ? [line.slice('::add-mask::'.length)] : []));
  return secrets.reduce((out, secret) => out.split(secret).join('***'), text);
}

/** A step as the runner shows it: its log without workflow commands, its outputs, its job summary. */
export function printStep(label: string, run: StepRun): void {
  console.log(`  ${label} (exit ${run.exitCode})`);
  for (const line of run.stdout.split('\n')) {
    if (line.startsWith('::add-mask::') || line.startsWith('::debug::') || line.trim() === '') continue;
    console.log(`    | ${masked(run, line)}`);
  }
  const outputs = Object.entries(run.outputs);
  if (outputs.length > 0) console.log('    outputs:');
  for (const [name, value] of outputs) console.log(`      ${name} = ${masked(run, value)}`);
  const rows = [...run.summary.matchAll(/<tr>(.*?)<\/tr>/g)].map(([, row]) =>
    [...(row ?? '').matchAll(/<td>(.*?)<\/td>/g)].map(([, cell]) => cell),
  );
  if (run.summary) console.log(`    job summary: ${asRendered(run.summary.match(/<h3>(.*?)<\/h3>/)?.[1] ?? '')}`);
  for (const cells of rows.filter((cells) => cells.length > 0)) {
    console.log(`      ${cells.map((cell) => asRendered(cell ?? '')).join(cells.length === 2 ? ': ' : ' | ')}`);
  }
}

/** A summary cell as GitHub shows it: the HTML the step escaped, unescaped again. */
function asRendered(html: string): string {
  return html.replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&amp;/g, '&');
}
