import { describe, expect, test } from '@jest/globals';
import { runStep } from '../emulator/runner.js';
import { apiRequests, errorLines, intentName, reverseEndpointInputs, stepInputs, useEmulator } from './helpers/emulator.js';
import { CONTRACT_INTERVALS } from './helpers/intervals.js';
import { cancelledMain, sleep, until } from './helpers/signals.js';

// The runner cancels a job with SIGINT, then SIGTERM 7.5 s later, then SIGKILL 2.5 s after that,
// and still runs the post steps of the steps that started.
const emulator = useEmulator();

/** True once the API has received a request with this method (and, when given, path ending). */
const received =
  (method: string, pathEnd = '') =>
  () =>
    emulator().requests.some((request) => request.method === method && request.path.endsWith(pathEnd));
/** True once the API has carried out (answered or dropped after committing) such a request. */
const committed = (method: string) => () => emulator().requests.some((request) => request.method === method && request.status === 200);

const keysNamed = (name: string | undefined) =>
  emulator()
    .keys()
    .filter((key) => key.name === name);

describe('create-key cancelled while the API holds its answer', () => {
  // The API commits the key, then takes 1.5 s to answer: the signal lands in between.
  const held = () => emulator().addFault({ method: 'POST', fault: { kind: 'delay', ms: 1500 } });

  test('SIGINT: the step lets the create finish, records the key, fails, and the post step revokes it', async () => {
    held();
    const inputs = stepInputs(emulator(), { operation: 'create-key' });
    const main = await cancelledMain(inputs, received('POST'), ['SIGINT']);
    expect(main.exitCode).toBe(1);
    expect(errorLines(main.stdout)).toEqual([expect.stringMatching(/^::error::The step was cancelled \(SIGINT\) before it could finish/)]);
    expect(main.outputs.id).toBeUndefined();
    const name = intentName(main.state);
    const [key] = keysNamed(name);
    expect(main.state.created).toBe(key?.id);
    const post = await runStep(inputs, { state: main.state });
    expect(post.exitCode).toBe(0);
    expect(post.stdout).toContain(`Revoked API key ${key?.id}`);
    expect(keysNamed(name)).toEqual([]);
  });

  test.each([
    ['SIGINT then SIGTERM', ['SIGINT', 'SIGTERM'] as NodeJS.Signals[]],
    ['SIGKILL', ['SIGKILL'] as NodeJS.Signals[]],
  ])('%s before the answer: the post step finds the key by its recorded name and deletes it', async (_what, signals) => {
    held();
    const inputs = stepInputs(emulator(), { operation: 'create-key' });
    const main = await cancelledMain(inputs, received('POST'), signals);
    expect(main.exitCode).not.toBe(0);
    expect(main.state.created).toBeUndefined();
    const name = intentName(main.state);
    expect(name).toMatch(/^gha-octo-org-octo-repo-/);
    await until(committed('POST'));
    expect(keysNamed(name)).toHaveLength(1);
    const post = await runStep(inputs, { state: main.state });
    expect(post.exitCode).toBe(0);
    expect(post.stdout).toMatch(/did not read the answer to its key creation; deleted this step's key/);
    expect(keysNamed(name)).toEqual([]);
  });

  test('with local-secret, the key is found by its suffix and deleted', async () => {
    held();
    const inputs = stepInputs(emulator(), { operation: 'create-key', 'local-secret': 'true', name: 'ci-local' });
    const main = await cancelledMain(inputs, received('POST'), ['SIGKILL']);
    await until(committed('POST'));
    expect(keysNamed('ci-local')).toHaveLength(1);
    const post = await runStep(inputs, { state: main.state });
    expect(post.exitCode).toBe(0);
    expect(keysNamed('ci-local')).toEqual([]);
  });

  test('a name the user chose proves nothing: the post step names the key and how to delete it, and deletes nothing', async () => {
    held();
    const inputs = stepInputs(emulator(), { operation: 'create-key', name: 'ci-shared-name' });
    const main = await cancelledMain(inputs, received('POST'), ['SIGKILL']);
    await until(committed('POST'));
    const [key] = keysNamed('ci-shared-name');
    const post = await runStep(inputs, { state: main.state });
    expect(post.exitCode).toBe(1);
    expect(errorLines(post.stdout)).toEqual([
      expect.stringMatching(
        new RegExp(`^::error::.*cannot prove which key is its own.*${key?.id} \\(.*operation: delete-key, key: ${key?.id}\\)`),
      ),
    ]);
    expect(keysNamed('ci-shared-name')).toHaveLength(1);
  });
});

// On the contract's backoff (1 s, then 2 s, 4 s, 8 s), which the signal cuts short.
test('SIGINT during a retry wait: no request is sent after the signal', async () => {
  emulator().addFault({ method: 'GET', times: 5, fault: { kind: 'status', status: 503 } });
  const inputs = stepInputs(emulator(), { operation: 'prune-keys' });
  let signalledAt = 0;
  const main = await runStep(inputs, {
    env: CONTRACT_INTERVALS,
    onSpawn: (child) => {
      void (async () => {
        await until(received('GET', '/keys'));
        await sleep(100);
        signalledAt = Date.now();
        child.kill('SIGINT');
      })();
    },
  });
  expect(main.exitCode).toBe(1);
  expect(main.stdout).toMatch(/cancelled \(SIGINT\) before GET \/v1\/organizations\/.*\/keys was sent/);
  expect(apiRequests(emulator()).filter((request) => request.at > signalledAt)).toEqual([]);
  expect(main.ms).toBeLessThan(5_000);
});

describe('the post step never begins anything', () => {
  test.each([
    ['no saved state at all', {}],
    ['a state from an older version of the action', { phase: 'main' }],
    [
      'a create the API refused',
      {
        intent: JSON.stringify({ kind: 'key', name: 'x', nameIsGenerated: true, revokeOnExit: true, sentAt: 0 }),
        refused: 'true',
      },
    ],
  ])('%s: no request, no failure', async (_what, state) => {
    const keys = emulator().keys().length;
    const post = await runStep(stepInputs(emulator(), { operation: 'create-key' }), { phase: 'post', state });
    expect(post.exitCode).toBe(0);
    expect(apiRequests(emulator())).toEqual([]);
    expect(emulator().keys()).toHaveLength(keys);
  });

  test('an unreadable record fails the post step, which acts on nothing', async () => {
    const post = await runStep(stepInputs(emulator(), { operation: 'create-key' }), { phase: 'post', state: { intent: '{"kind":' } });
    expect(post.exitCode).toBe(1);
    expect(errorLines(post.stdout)).toEqual([expect.stringMatching(/^::error::The post step cannot tell what the main step began/)]);
    expect(apiRequests(emulator())).toEqual([]);
  });

  test('a create refused with a 4xx records that nothing was made', async () => {
    const inputs = stepInputs(emulator(), { operation: 'create-key', 'api-key-secret': 'wrong' });
    const main = await runStep(inputs);
    expect(main.exitCode).toBe(1);
    expect(main.state.refused).toBe('true');
  });
});

describe('create-reverse-private-endpoint cancelled', () => {
  const inputs = () => reverseEndpointInputs(emulator(), { description: `cancelled ${Math.random()}` });

  test('SIGKILL while the API holds the answer: the post step deletes the endpoint the step made, and no other', async () => {
    const step = inputs();
    const other = await runStep({ ...step, description: 'an earlier run' });
    expect(other.exitCode).toBe(0);
    emulator().clearRequests();
    emulator().addFault({ method: 'POST', fault: { kind: 'delay', ms: 1500 } });
    const main = await cancelledMain(step, received('POST'), ['SIGKILL']);
    const made = () =>
      emulator()
        .reversePrivateEndpoints()
        .some((e) => e.description?.startsWith(`${step.description} [`));
    await until(made);
    const post = await runStep(step, { state: main.state });
    expect(post.exitCode).toBe(0);
    const left = emulator().reversePrivateEndpoints();
    expect(left.map((e) => e.description)).toContainEqual(expect.stringMatching(/^an earlier run \[/));
    expect(made()).toBe(false);
  });

  test('SIGINT while waiting for Ready: the endpoint was recorded and the post step deletes it', async () => {
    const step = { ...inputs(), 'wait-for-ready': 'true' };
    const main = await cancelledMain(step, committed('POST'), ['SIGINT'], { env: CONTRACT_INTERVALS });
    expect(main.exitCode).toBe(1);
    // The signal ended the 5 s wait before the first poll, and no poll followed.
    expect(apiRequests(emulator()).filter((request) => /ReversePrivateEndpoints\/[^/]+$/.test(request.path))).toEqual([]);
    const created = main.state.created;
    expect(created).toBeDefined();
    const post = await runStep(step, { state: main.state });
    expect(post.exitCode).toBe(0);
    expect(
      emulator()
        .reversePrivateEndpoints()
        .some((e) => e.id === created),
    ).toBe(false);
  });
});

describe('create-private-endpoint cancelled', () => {
  const inputs = (endpointId: string) =>
    stepInputs(emulator(), { operation: 'create-private-endpoint', service: emulator().serviceId, 'endpoint-id': endpointId });
  const attached = (id: string) =>
    emulator()
      .privateEndpoints()
      .some((e) => e.id === id);

  test('SIGINT while the API holds the answer: the post step detaches the endpoint the step attached', async () => {
    emulator().addFault({ method: 'POST', fault: { kind: 'delay', ms: 1500 } });
    const step = inputs('vpce-0c0c0c0c0c0c0c0c1');
    const main = await cancelledMain(step, received('POST'), ['SIGINT']);
    expect(main.exitCode).toBe(1);
    expect(main.state.created).toBe('vpce-0c0c0c0c0c0c0c0c1');
    expect(attached('vpce-0c0c0c0c0c0c0c0c1')).toBe(true);
    const post = await runStep(step, { state: main.state });
    expect(post.exitCode).toBe(0);
    expect(post.stdout).toContain('Detached private endpoint vpce-0c0c0c0c0c0c0c0c1');
    expect(attached('vpce-0c0c0c0c0c0c0c0c1')).toBe(false);
  });

  test("SIGKILL before the answer: the step's read found the ID unattached, so the post step detaches it", async () => {
    emulator().addFault({ method: 'POST', fault: { kind: 'delay', ms: 1500 } });
    const step = inputs('vpce-0c0c0c0c0c0c0c0c2');
    const main = await cancelledMain(step, received('POST'), ['SIGKILL']);
    expect(main.state.created).toBeUndefined();
    await until(committed('POST'));
    const post = await runStep(step, { state: main.state });
    expect(post.exitCode).toBe(0);
    expect(post.stdout).toContain('Detached private endpoint vpce-0c0c0c0c0c0c0c0c2');
    expect(attached('vpce-0c0c0c0c0c0c0c0c2')).toBe(false);
  });
});
