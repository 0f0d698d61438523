import { describe, expect, test } from '@jest/globals';
import { runStep } from '../emulator/runner.js';
import { apiRequests, errorLines, reverseEndpointInputs, stepInputs, useEmulator } from './helpers/emulator.js';
import { MANAGED } from './helpers/services.js';

const RUNNER_IP = '34.120.17.5';

describe('allow-runner-ip with a description the user chose (no nonce)', () => {
  const emulator = useEmulator();
  const inputs = () =>
    stepInputs(emulator(), { operation: 'allow-runner-ip', service: emulator().serviceId, ip: RUNNER_IP, description: 'ci' });
  const listed = () => emulator().service().ipAccessList ?? [];

  test("an add whose answer was lost is not claimed: the entry may be another job's, so it is named, never removed", async () => {
    emulator().setServiceIpAccessList([]);
    emulator().addFault({ method: 'PATCH', fault: { kind: 'drop-after-commit' } });
    const main = await runStep(inputs());
    expect(main.exitCode).toBe(1);
    expect(errorLines(main.stdout)).toEqual([
      expect.stringMatching(
        /^::error::The add may have been carried out although no answer came: .* holds 34\.120\.17\.5\/32 described "ci", a description you chose/,
      ),
    ]);
    const post = await runStep(inputs(), { state: main.state });
    expect(post.exitCode).toBe(1);
    expect(errorLines(post.stdout)).toEqual([
      expect.stringMatching(/did not read the answer to its add: .* described "ci".*left in place/),
    ]);
    expect(apiRequests(emulator()).filter((r) => r.method === 'PATCH')).toHaveLength(1);
    expect(listed()).toEqual([{ source: `${RUNNER_IP}/32`, description: 'ci' }]);
  });

  test('a step killed before the answer: its post step leaves the same-described entry of another job alone', async () => {
    emulator().setServiceIpAccessList([{ source: `${RUNNER_IP}/32`, description: 'ci' }]);
    const intent = JSON.stringify({
      kind: 'ip-entry',
      serviceId: emulator().serviceId,
      source: `${RUNNER_IP}/32`,
      description: 'ci',
      descriptionIsMark: false,
      removeOnExit: true,
      sentAt: Date.now(),
    });
    const post = await runStep(inputs(), { state: { intent } });
    expect(post.exitCode).toBe(1);
    expect(apiRequests(emulator()).filter((r) => r.method === 'PATCH')).toEqual([]);
    expect(listed()).toHaveLength(1);
  });

  test("an answered add is the step's: the post step removes it", async () => {
    emulator().setServiceIpAccessList([]);
    const main = await runStep(inputs());
    expect(main.exitCode).toBe(0);
    const post = await runStep(inputs(), { state: main.state });
    expect(post.exitCode).toBe(0);
    expect(listed()).toEqual([]);
  });
});

describe('a server that keeps to the document: unknown IDs are 400, only a stopped service is deleted', () => {
  const emulator = useEmulator({ documentOnly: true, serviceTransitionPolls: 1 });
  const missing = '0b8c7c1e-1111-4222-8333-444455556666';

  test('delete-service of an idle service: stopped first, as the document asks, then deleted', async () => {
    const id = emulator().seedService({ name: 'gha-idle', tags: [MANAGED], state: 'idle' });
    const step = await runStep(stepInputs(emulator(), { operation: 'delete-service', service: id }));
    expect(step.exitCode).toBe(0);
    const changes = apiRequests(emulator()).filter((r) => r.method !== 'GET');
    expect(changes.map((r) => `${r.method} ${r.status}`)).toEqual(['PATCH 200', 'DELETE 200']);
    expect(emulator().service(id).state).toBe('terminating');
  });

  test.each([
    ['delete-service', { operation: 'delete-service', service: missing }, /Service .* was already gone/],
    ['delete-key', { operation: 'delete-key', key: missing }, /API key .* was already gone/],
  ])('%s of an ID the server answers 400 for, and no longer lists: a success with a warning', async (_what, extra, warning) => {
    const step = await runStep(stepInputs(emulator(), extra));
    expect(step.exitCode).toBe(0);
    expect(step.stdout).toMatch(new RegExp(`::warning::${warning.source}`));
  });

  test('delete-reverse-private-endpoint of an endpoint gone (400, not listed): a success with a warning', async () => {
    const step = await runStep(
      stepInputs(emulator(), {
        operation: 'delete-reverse-private-endpoint',
        service: emulator().serviceId,
        'reverse-private-endpoint': missing,
      }),
    );
    expect(step.exitCode).toBe(0);
    expect(step.stdout).toMatch(/::warning::Reverse private endpoint .* was already gone/);
  });

  test('the post step of a cancelled endpoint create whose DELETE answer was lost: the 400 on the retry means it is gone', async () => {
    const inputs = reverseEndpointInputs(emulator(), { 'if-exists': 'create', description: 'lost delete answer' });
    const main = await runStep(inputs);
    expect(main.exitCode).toBe(0);
    emulator().addFault({ method: 'DELETE', fault: { kind: 'drop-after-commit' } });
    const post = await runStep(inputs, { state: { ...main.state, finished: '' } });
    expect(post.exitCode).toBe(0);
    expect(
      apiRequests(emulator())
        .filter((r) => r.method === 'DELETE')
        .map((r) => r.status),
    ).toEqual([0, 400]);
    expect(
      emulator()
        .reversePrivateEndpoints()
        .filter((e) => e.id === main.outputs.id),
    ).toEqual([]);
  });
});

describe('a post step whose credentials a later step changed', () => {
  const emulator = useEmulator({ serviceTransitionPolls: 1 });

  test('create-service: the post step stops before acting, naming the service and how to delete it', async () => {
    const inputs = stepInputs(emulator(), {
      operation: 'create-service',
      provider: 'aws',
      region: 'us-east-1',
      'ip-access-list': RUNNER_IP,
      'wait-for-ready': 'false',
    });
    const main = await runStep(inputs);
    expect(main.exitCode).toBe(0);
    const other = emulator().seedKey({ name: 'exported-later', roles: ['admin'] });
    const post = await runStep({ ...inputs, 'api-key-id': other.keyId, 'api-key-secret': other.secret }, { state: main.state });
    expect(post.exitCode).toBe(1);
    expect(errorLines(post.stdout)).toEqual([
      expect.stringMatching(
        new RegExp(
          `credentials now in effect are not the key the main step authenticated with .*Left as it is: service ${main.outputs.id}: .*delete-service`,
        ),
      ),
    ]);
    expect(apiRequests(emulator()).filter((r) => r.method !== 'GET' && r.keyId === other.keyId)).toEqual([]);
  });

  test('allow-runner-ip with remove-on-exit false: nothing to do at the end, so changed credentials do not matter', async () => {
    emulator().setServiceIpAccessList([]);
    const inputs = stepInputs(emulator(), {
      operation: 'allow-runner-ip',
      service: emulator().serviceId,
      ip: RUNNER_IP,
      'remove-on-exit': 'false',
    });
    const main = await runStep(inputs);
    expect(main.exitCode).toBe(0);
    const other = emulator().seedKey({ name: 'exported-later-2', roles: ['admin'] });
    const post = await runStep({ ...inputs, 'api-key-id': other.keyId, 'api-key-secret': other.secret }, { state: main.state });
    expect(post.exitCode).toBe(0);
  });
});
