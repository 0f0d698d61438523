import { describe, expect, test } from '@jest/globals';
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

// The injected 429s carry this emulator's policy (a 1 s window), so the spread waits stay short.
describe('the rate limit', () => {
  test('a 429 is a wait, not a try: max-attempts 1 still succeeds', async () => {
    emulator().addFault({ method: 'POST', fault: { kind: 'status', status: 429 } });
    const step = await runStep(stepInputs(emulator(), { operation: 'create-key', 'max-attempts': '1' }));
    expect(step.exitCode).toBe(0);
    expect(apiRequests(emulator()).map((r) => r.status)).toEqual([429, 200]);
  });

  test("the post step's revoke waits out the rate limit too: the key does not outlive the job", async () => {
    const inputs = stepInputs(emulator(), { operation: 'create-key' });
    const main = await runStep(inputs);
    emulator().addFault({ method: 'DELETE', times: 2, fault: { kind: 'status', status: 429 } });
    const post = await runStep(inputs, { state: main.state });
    expect(post.exitCode).toBe(0);
    expect(
      apiRequests(emulator())
        .filter((r) => r.method === 'DELETE')
        .map((r) => r.status),
    ).toEqual([429, 429, 200]);
    expect(
      emulator()
        .keys()
        .some((key) => key.id === main.outputs.id),
    ).toBe(false);
  });

  test('past rate-limit-wait the step fails naming the limit and what to do', async () => {
    emulator().addFault({ method: 'GET', times: 50, fault: { kind: 'status', status: 429 } });
    const step = await runStep(stepInputs(emulator(), { operation: 'prune-keys', 'rate-limit-wait': '2s' }));
    expect(step.exitCode).toBe(1);
    expect(step.stdout.split('\n').filter((line) => line.startsWith('::error::'))).toEqual([
      expect.stringMatching(
        /^::error::The API's rate limit \(4 requests per 1 s per API key\) kept refusing this step: it waited 2s of its rate-limit-wait of 2s\. Give each workflow its own API key, run fewer jobs in parallel/,
      ),
    ]);
    expect(apiRequests(emulator()).length).toBeLessThanOrEqual(3);
  });
});

describe('a main step that used the window up', () => {
  // One request per window: the main step's create leaves it used up, as in a crowded matrix.
  const spent = useEmulator({ rateLimit: { limit: 1, windowMs: 3000 } });

  test('its post step waits for the next window instead of earning a 429', async () => {
    const inputs = stepInputs(spent(), { operation: 'create-key' });
    const main = await runStep(inputs);
    expect(main.exitCode).toBe(0);
    const post = await runStep(inputs, { state: main.state });
    expect(post.exitCode).toBe(0);
    expect(apiRequests(spent()).map((r) => `${r.method} ${r.status}`)).toEqual(['POST 200', 'DELETE 200']);
  });
});
