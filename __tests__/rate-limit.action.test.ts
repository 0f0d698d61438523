import { expect, test } from '@jest/globals';
import { runStep } from '../emulator/runner.js';
import { apiRequests, stepInputs, useEmulator } from './helpers/emulator.js';

// A small window keeps the test fast; the shape is the API's: a fixed window per key.
const emulator = useEmulator({ rateLimit: { limit: 4, windowMs: 1000 } });

test('prune-keys paces itself to the rate limit and deletes every stale key', async () => {
  const old = new Date(Date.now() - 48 * 3_600_000).toISOString();
  const stale = Array.from({ length: 9 }, (_, i) => emulator().seedKey({ name: `gha-stale-${i}`, createdAt: old }).id);
  const step = await runStep(stepInputs(emulator(), { operation: 'prune-keys' }));
  expect(step.exitCode).toBe(0);
  expect(JSON.parse(step.outputs.deleted ?? '').sort()).toEqual(stale.sort());
  const statuses = apiRequests(emulator()).map((r) => r.status);
  // 1 list + 9 deletes in windows of 4: the client waits for the window instead of earning 429s.
  expect(statuses.filter((s) => s === 200)).toHaveLength(10);
  expect(statuses.filter((s) => s === 429).length).toBeLessThanOrEqual(1);
});
