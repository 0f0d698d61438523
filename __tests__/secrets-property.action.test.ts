import { expect, test } from '@jest/globals';
import fc from 'fast-check';
import { runJob } from '../emulator/runner.js';
import { stepInputs, useEmulator } from './helpers/emulator.js';

const emulator = useEmulator();

// Printable secrets long enough that finding one in a log is a leak, not a coincidence; the
// runner trims inputs, so no surrounding white space.
const secret = fc
  .string({ unit: fc.constantFrom(...'abcXYZ0189+/=:_-.!@#$%^&*()[]{}"\'\\<>|~` é漢'), minLength: 12, maxLength: 60 })
  .filter((s) => s.trim() === s);

test('no secret appears in any output stream, for random secrets', async () => {
  await fc.assert(
    fc.asyncProperty(secret, fc.boolean(), async (adminSecret, localSecret) => {
      const admin = emulator().seedKey({ name: 'random-admin', roles: ['admin'], secret: adminSecret });
      const inputs = stepInputs(emulator(), {
        operation: 'create-key',
        'api-key-id': admin.keyId,
        'api-key-secret': adminSecret,
        'local-secret': String(localSecret),
      });
      const { main, post } = await runJob(inputs, { env: { RUNNER_DEBUG: '1' } });
      expect([main.exitCode, post.exitCode]).toEqual([0, 0]);
      const token = Buffer.from(`${admin.keyId}:${adminSecret}`).toString('base64');
      for (const value of [adminSecret, token, main.outputs['key-secret'] ?? 'missing']) {
        for (const step of [main, post]) {
          expect(step.allText.split('\n').filter((line) => line.includes(value) && !line.startsWith('::add-mask::'))).toEqual([]);
        }
      }
    }),
    { numRuns: 12 },
  );
});
