import { describe, expect, test } from '@jest/globals';
import { runStep } from '../emulator/runner.js';
import { stepInputs, useEmulator } from './helpers/emulator.js';

const emulator = useEmulator();
const HOSTILE =
  'BAD_REQUEST: nope <img src=x onerror=alert(1)>\n::add-mask::ordinary\n::set-output name=key-secret::stolen\r\n::warning::injected';

/** Lines the runner would read as workflow commands, other than the action's own masks and its one error. */
function commands(stdout: string): string[] {
  return stdout.split('\n').filter((line) => line.startsWith('::') && !line.startsWith('::add-mask::') && !line.startsWith('::debug::'));
}

describe('text from the API is printed as data, never as a workflow command', () => {
  test('a hostile error text stays inside the one ::error:: line', async () => {
    emulator().addFault({ method: 'POST', fault: { kind: 'status', status: 400, body: { status: 400, error: HOSTILE } } });
    const step = await runStep(stepInputs(emulator(), { operation: 'create-key' }), { env: { RUNNER_DEBUG: '1' } });
    expect(step.exitCode).toBe(1);
    expect(commands(step.stdout)).toEqual([
      expect.stringMatching(
        /^::error::ClickHouse Cloud API answered HTTP 400 to POST \S+: BAD_REQUEST: nope <img src=x onerror=alert\(1\)>%0A::add-mask::ordinary%0A::set-output/,
      ),
    ]);
    expect(step.stdout).not.toMatch(/^::add-mask::ordinary/m);
    expect(step.outputs['key-secret']).toBeUndefined();
    expect(step.summary).not.toContain('<img');
    expect(step.summary).toContain('&lt;img src=x onerror=alert(1)&gt;');
  });

  test('a hostile name echoed by the API is folded into its log line', async () => {
    const step = await runStep(
      stepInputs(emulator(), {
        operation: 'create-key',
        'revoke-on-exit': 'false',
        body: JSON.stringify({ name: 'evil\n::warning::injected <b>x</b>' }),
      }),
    );
    expect(step.exitCode).toBe(0);
    expect(commands(step.stdout)).toEqual([]);
    expect(step.stdout).toContain('Created API key evil ::warning::injected <b>x</b>');
    expect(step.summary).toContain('evil\n::warning::injected &lt;b&gt;x&lt;/b&gt;');
  });

  test('an operation name is escaped in the job summary too', async () => {
    const step = await runStep(stepInputs(emulator(), { operation: '<img src=x onerror=alert(1)>' }));
    expect(step.exitCode).toBe(1);
    expect(step.summary).not.toContain('<img');
    expect(step.summary).toContain('<h3>ClickHouse Cloud: &lt;img src=x onerror=alert(1)&gt; failed</h3>');
  });
});
