import { describe, expect, test } from '@jest/globals';
import { runStep } from '../emulator/runner.js';
import {
  apiRequests,
  errorLines,
  expectLostKeyReplacedThenRevoked,
  expectUnsettledKeyDeletedByPost,
  intentName,
  keysNamed,
  reverseEndpointInputs,
  stepInputs,
  useEmulator,
} from './helpers/emulator.js';

describe("the API's clock ten minutes behind the runner's", () => {
  const emulator = useEmulator({ clockOffsetMs: -10 * 60_000 });

  test("a key under the generated name is the step's whatever its createdAt: found after a lost answer, none outlives the job", async () => {
    emulator().addFault({ method: 'POST', fault: { kind: 'drop-after-commit' } });
    await expectLostKeyReplacedThenRevoked(emulator());
  });

  test('the post step of a step killed before the answer finds the key by its generated name', async () => {
    emulator().addFault({ method: 'POST', fault: { kind: 'drop-after-commit' } });
    emulator().addFault({ method: 'GET', path: /\/keys$/, times: 2, fault: { kind: 'status', status: 503 } });
    await expectUnsettledKeyDeletedByPost(emulator());
  });
});

describe('keys the post step cannot look for', () => {
  const emulator = useEmulator();

  test('the API cannot list keys for the rest of the job: one ::error:: names the key and how to delete it', async () => {
    emulator().addFault({ method: 'POST', fault: { kind: 'drop-after-commit' } });
    emulator().addFault({ method: 'GET', path: /\/keys$/, times: 4, fault: { kind: 'status', status: 503 } });
    const inputs = stepInputs(emulator(), { operation: 'create-key', 'max-attempts': '2' });
    const main = await runStep(inputs);
    expect(main.exitCode).toBe(1);
    const name = intentName(main.state) ?? '';
    const post = await runStep(inputs, { state: main.state });
    expect(post.exitCode).toBe(1);
    expect(errorLines(post.stdout)).toEqual([
      expect.stringMatching(new RegExp(`^::error::.*API key "${name}".*HTTP 503.*console \\(Organization > API keys\\).*delete-key`)),
    ]);
    expect(keysNamed(emulator(), name)).toHaveLength(1);
  });

  test('a redirect after the create committed is a lost answer, never a refusal: the post step deletes the key', async () => {
    emulator().addFault({ method: 'POST', fault: { kind: 'redirect-after-commit' } });
    const inputs = stepInputs(emulator(), { operation: 'create-key' });
    const main = await runStep(inputs);
    expect(main.exitCode).toBe(1);
    expect(errorLines(main.stdout)).toEqual([
      expect.stringMatching(/HTTP 307 .*a redirect to https:\/\/elsewhere\.example\/.*the request may have been carried out/),
    ]);
    expect(main.state.refused).toBeUndefined();
    expect(main.state.ambiguous).toBe('true');
    const name = intentName(main.state);
    expect(keysNamed(emulator(), name)).toHaveLength(1);
    const post = await runStep(inputs, { state: main.state });
    expect(post.exitCode).toBe(0);
    expect(keysNamed(emulator(), name)).toEqual([]);
  });

  test("a cut-short answer to a create is never quoted in the log: it may hold the key's secret", async () => {
    emulator().addFault({ method: 'POST', fault: { kind: 'garble', as: 'not-json' } });
    const main = await runStep(stepInputs(emulator(), { operation: 'create-key' }));
    expect(main.exitCode).toBe(0);
    expect(main.stdout).toMatch(
      /Attempt 1\/5 of POST .* failed \(an answer that cannot be read: not JSON \(application\/json, \d+ characters\)\)/,
    );
    expect(main.allText).not.toMatch(/starting|"status"|keySecret|result/);
  });
});

describe('IDs in answers', () => {
  /** How many more answers of each create name `id` (absent: no ID at all) for what they made. */
  const garble: Record<string, { times: number; id?: string }> = {};
  const emulator = useEmulator({
    serviceTransitionPolls: 1,
    laterApi: (operation, result) => {
      const change = garble[operation];
      if (!change?.times) return result;
      change.times -= 1;
      const withId = <T extends object>(made: T) => ({ ...made, id: change.id });
      if (operation.endsWith('/keys')) return { ...(result as object), key: withId((result as { key: object }).key) };
      if (operation.endsWith('/services')) return { ...(result as object), service: withId((result as { service: object }).service) };
      return withId(result as object);
    },
  });
  const noDotPaths = () => apiRequests(emulator()).filter((request) => request.path.includes('..'));

  test('a key created with an ID that is not a UUID is an unreadable answer: found by name, never put into a path', async () => {
    garble['POST /v1/organizations/{organizationId}/keys'] = { times: 1, id: '..' };
    const inputs = stepInputs(emulator(), { operation: 'create-key' });
    const main = await runStep(inputs);
    expect(main.exitCode).toBe(0);
    expect(main.stdout).toMatch(/an answer that cannot be read: a key ID that is not a UUID \("\.\."\)/);
    expect(main.outputs.id).toMatch(/^[0-9a-f-]{36}$/);
    const post = await runStep(inputs, { state: main.state });
    expect(post.exitCode).toBe(0);
    expect(noDotPaths()).toEqual([]);
    expect(keysNamed(emulator(), main.outputs.name)).toEqual([]);
  });

  test('a service created with an ID that is not a UUID is found by its tags, given a new password, and deleted by the post step', async () => {
    garble['POST /v1/organizations/{organizationId}/services'] = { times: 1, id: '..' };
    const inputs = stepInputs(emulator(), {
      operation: 'create-service',
      provider: 'aws',
      region: 'us-east-1',
      'ip-access-list': '34.120.17.5',
    });
    const main = await runStep(inputs);
    expect(main.exitCode).toBe(0);
    expect(main.stdout).toMatch(/a service ID that is not a UUID \("\.\."\)/);
    expect(main.outputs.id).toMatch(/^[0-9a-f-]{36}$/);
    expect(apiRequests(emulator()).filter((r) => r.path.endsWith('/password'))).toHaveLength(1);
    const post = await runStep(inputs, { state: main.state });
    expect(post.exitCode).toBe(0);
    expect(noDotPaths()).toEqual([]);
    expect(
      emulator()
        .services()
        .filter((service) => service.name === main.outputs.name && service.state !== 'terminating'),
    ).toEqual([]);
  });

  test('a reverse endpoint created with an ID that is not a UUID is found by its mark, and deleted by the post step of a cancelled job', async () => {
    garble['POST /v1/organizations/{organizationId}/services/{serviceId}/clickpipesReversePrivateEndpoints'] = { times: 1, id: '..' };
    const inputs = reverseEndpointInputs(emulator(), { 'if-exists': 'create', description: 'bad id answer' });
    const main = await runStep(inputs);
    expect(main.exitCode).toBe(0);
    expect(main.stdout).toMatch(/a reverse private endpoint ID that is not a UUID \("\.\."\)/);
    expect(main.outputs.id).toMatch(/^[0-9a-f-]{36}$/);
    const post = await runStep(inputs, { state: { ...main.state, finished: '' } });
    expect(post.exitCode).toBe(0);
    expect(noDotPaths()).toEqual([]);
    expect(
      emulator()
        .reversePrivateEndpoints()
        .filter((endpoint) => endpoint.id === main.outputs.id),
    ).toEqual([]);
  });
  test.each([
    ['service', 'POST /v1/organizations/{organizationId}/services', /no service ID/],
    [
      'reverse private endpoint',
      'POST /v1/organizations/{organizationId}/services/{serviceId}/clickpipesReversePrivateEndpoints',
      /no reverse private endpoint ID/,
    ],
  ])('a %s answered without its ID is an unreadable answer: found by its mark, one create', async (_what, operation, said) => {
    garble[operation] = { times: 1 };
    const inputs = operation.endsWith('/services')
      ? stepInputs(emulator(), { operation: 'create-service', provider: 'aws', region: 'us-east-1', 'ip-access-list': '34.120.17.5' })
      : reverseEndpointInputs(emulator(), { 'if-exists': 'create', description: 'no id answer' });
    const main = await runStep(inputs);
    expect(main.exitCode).toBe(0);
    expect(main.stdout).toMatch(said);
    expect(main.outputs.id).toMatch(/^[0-9a-f-]{36}$/);
    expect(apiRequests(emulator()).filter((r) => r.method === 'POST' && !r.path.endsWith('/password'))).toHaveLength(1);
  });
});

describe('secrets in what the API adds later', () => {
  const emulator = useEmulator({
    laterApi: (operation, result) => {
      if (operation !== 'POST /v1/organizations/{organizationId}/keys') return result;
      const answer = result as { keySecret: string };
      return { ...answer, note: `Store ${answer.keySecret} somewhere safe` };
    },
  });

  test('a secret embedded in a longer string of `result` is replaced where it stands', async () => {
    const main = await runStep(stepInputs(emulator(), { operation: 'create-key' }));
    expect(main.exitCode).toBe(0);
    const secret = main.outputs['key-secret'] ?? '';
    expect(secret.length).toBeGreaterThan(10);
    expect(main.outputs.result).not.toContain(secret);
    expect((JSON.parse(main.outputs.result ?? '{}') as { note?: string }).note).toBe('Store *** somewhere safe');
  });
});
