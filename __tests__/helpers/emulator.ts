import { afterAll, beforeAll, beforeEach, expect } from '@jest/globals';
import { runStep } from '../../emulator/runner.js';
import { type Emulator, type EmulatorOptions, startEmulator } from '../../emulator/server.js';

/**
 * One emulator per test file, its requests cleared before each test. Returns a getter, since
 * the emulator exists only once beforeAll has run. Its injected 429s name a 200 ms window, so
 * the retry the action spreads over the next windows waits tenths of a second, not the 10 s
 * window's 20.
 */
export function useEmulator(options: EmulatorOptions = {}): () => Emulator {
  let emulator: Emulator | undefined;
  beforeAll(async () => {
    emulator = await startEmulator({ injectedRateLimit: { limit: 10, windowMs: 200 }, ...options });
  });
  afterAll(async () => emulator?.close());
  beforeEach(() => emulator?.clearRequests());
  return () => {
    if (!emulator) throw new Error('the emulator has not started');
    return emulator;
  };
}

/** The inputs a workflow step would pass to reach this emulator with its admin key. */
export function stepInputs(emulator: Emulator, inputs: Record<string, string> = {}): Record<string, string> {
  return {
    organization: emulator.organizationId,
    'api-key-id': emulator.adminKey.keyId,
    'api-key-secret': emulator.adminKey.secret,
    'api-url': emulator.url,
    ...inputs,
  };
}

/** The `::error` workflow commands a step printed (with or without properties), one per line. */
export const errorLines = (stdout: string) => stdout.split('\n').filter((line) => line.startsWith('::error'));

/** Requests that reached the API proper (not the emulator's control routes). */
export function apiRequests(emulator: Emulator) {
  return emulator.requests.filter((request) => request.path.startsWith('/v1/'));
}

/**
 * A create-reverse-private-endpoint step of type VPC_ENDPOINT_SERVICE on the emulator's service
 * that always creates (`if-exists: create`): every test of a file targets the same service name.
 */
export function reverseEndpointInputs(emulator: Emulator, inputs: Record<string, string> = {}): Record<string, string> {
  return stepInputs(emulator, {
    operation: 'create-reverse-private-endpoint',
    service: emulator.serviceId,
    type: 'VPC_ENDPOINT_SERVICE',
    description: 'orders database',
    'vpc-endpoint-service-name': 'com.amazonaws.vpce.us-east-1.vpce-svc-0123456789abcdef0',
    'if-exists': 'create',
    ...inputs,
  });
}

/** The emulator's keys under `name` (a step's generated name, say). */
export function keysNamed(emulator: Emulator, name: string | undefined) {
  return emulator.keys().filter((key) => key.name === name);
}

/**
 * A create-key step whose first answer never arrived as sent (`fault` is already added): the key
 * made is deleted, a fresh one is the result, and its post step leaves none under the name.
 */
export async function expectLostKeyReplacedThenRevoked(emulator: Emulator): Promise<void> {
  const inputs = stepInputs(emulator, { operation: 'create-key' });
  const main = await runStep(inputs);
  expect(main.exitCode).toBe(0);
  expect(main.stdout).toMatch(/Deleted key\(s\) [0-9a-f-]{36}, created by this step although no answer/);
  expect(keysNamed(emulator, main.outputs.name).map((key) => key.id)).toEqual([main.outputs.id]);
  const post = await runStep(inputs, { state: main.state });
  expect(post.exitCode).toBe(0);
  expect(keysNamed(emulator, main.outputs.name)).toEqual([]);
}

/** The name the main step recorded for what it was about to make (its saved intent). */
export const intentName = (state: Record<string, string>) => (JSON.parse(state.intent ?? '{}') as { name?: string }).name;

/**
 * A create-key step whose answer was lost (`fault` is already added) and whose look-up for the key
 * fails too (`max-attempts` 2): the step fails, the key recorded under its name is left, and its
 * post step deletes it.
 */
export async function expectUnsettledKeyDeletedByPost(emulator: Emulator): Promise<void> {
  const inputs = stepInputs(emulator, { operation: 'create-key', 'max-attempts': '2' });
  const main = await runStep(inputs);
  expect(main.exitCode).toBe(1);
  const name = intentName(main.state);
  expect(keysNamed(emulator, name)).toHaveLength(1);
  const post = await runStep(inputs, { state: main.state });
  expect(post.exitCode).toBe(0);
  expect(keysNamed(emulator, name)).toEqual([]);
}
