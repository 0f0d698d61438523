import { describe, expect, test } from '@jest/globals';
import { runStep } from '../emulator/runner.js';
import { apiRequests, stepInputs, useEmulator } from './helpers/emulator.js';

// A file of its own: its windows take real seconds, which another worker spends beside the rest.
describe('a main step refused in a crowded window', () => {
  // Two requests per window: the other jobs' two fill it before this job's create (a window long
  // enough for a loaded machine to start the step in it).
  const crowded = useEmulator({ rateLimit: { limit: 2, windowMs: 4000 } });

  test('returns a window later than the next, and its post step waits for a new window although the last one had room', async () => {
    const emulator = crowded();
    const authorization = `Basic ${Buffer.from(`${emulator.adminKey.keyId}:${emulator.adminKey.secret}`).toString('base64')}`;
    for (let i = 0; i < 2; i++) {
      const other = await fetch(`${emulator.url}/v1/organizations/${emulator.organizationId}/keys`, { headers: { authorization } });
      expect(other.status).toBe(200);
    }
    const inputs = stepInputs(emulator, { operation: 'create-key' });
    const main = await runStep(inputs);
    expect(main.exitCode).toBe(0);
    const post = await runStep(inputs, { state: main.state });
    expect(post.exitCode).toBe(0);

    const requests = apiRequests(emulator);
    expect(requests.map((r) => `${r.method} ${r.status}`)).toEqual(['GET 200', 'GET 200', 'POST 429', 'POST 200', 'DELETE 200']);
    const [crowdStart, , refused, created, revoked] = requests.map((r) => r.at) as [number, number, number, number, number];
    // The crowd's window ended 4 s after it began; the create skipped the window after it.
    expect(created - crowdStart).toBeGreaterThanOrEqual(2 * 4000);
    expect(created - refused).toBeGreaterThan(4000);
    // The create's answer left 1 of 2, but its step had been refused: the revoke waits for the next window.
    expect(revoked - created).toBeGreaterThanOrEqual(4000);
  });
});
