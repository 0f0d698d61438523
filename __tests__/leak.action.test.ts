import { describe, expect, test } from '@jest/globals';
import { runJob, type StepRun } from '../emulator/runner.js';
import { stepInputs, useEmulator } from './helpers/emulator.js';

const emulator = useEmulator();

/** Every occurrence of `secret` in what the step printed or wrote, outside the lines that mask it. */
function leaks(step: StepRun, secret: string): string[] {
  return step.allText.split('\n').filter((line) => line.includes(secret) && !line.startsWith('::add-mask::'));
}

describe('no secret reaches a log, the summary or the state, with RUNNER_DEBUG=1', () => {
  test.each<[string, Record<string, string>]>([
    ['a created key', { operation: 'create-key' }],
    ['a locally made key exported to the environment', { operation: 'create-key', 'local-secret': 'true', 'export-env': 'true' }],
    ['an API error', { operation: 'create-key', organization: '00000000-0000-4000-8000-000000000000' }],
    ['an input error', { operation: 'create-key', roles: 'nobody' }],
  ])('%s', async (_what, inputs) => {
    const { main, post } = await runJob(stepInputs(emulator(), inputs), { env: { RUNNER_DEBUG: '1' } });
    const input = emulator().adminKey.secret;
    const token = Buffer.from(`${emulator().adminKey.keyId}:${input}`).toString('base64');
    const created = main.outputs['key-secret'];
    const secrets = [input, token, ...(created ? [created] : [])];
    for (const step of [main, post]) {
      for (const secret of secrets) expect(leaks(step, secret)).toEqual([]);
    }
    // Masking comes first: nothing is printed before the input secret and the auth token are masked.
    const firstLines = main.stdout.split('\n').slice(0, 2);
    expect(firstLines).toEqual(expect.arrayContaining([`::add-mask::${input}`]));
    if (main.exitCode === 0 || inputs.organization) expect(main.stdout).toContain(`::add-mask::${token}`);
    if (created) {
      const maskAt = main.stdout.indexOf(`::add-mask::${created}`);
      expect(maskAt).toBeGreaterThan(-1);
      expect(main.outputs.result).not.toContain(created);
      if (!inputs['local-secret']) expect(main.outputs.result).toContain('"keySecret":"***"');
    }
  });

  test('the leak check itself finds a secret printed in the clear', () => {
    const step = { allText: 'ok\n::add-mask::s3cret\nvalue s3cret here' } as StepRun;
    expect(leaks(step, 's3cret')).toEqual(['value s3cret here']);
  });
});
