import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import { type IpLookup, startIpLookup } from '../emulator/ip-lookup.js';
import { runJob, runStep } from '../emulator/runner.js';
import { startEmulator } from '../emulator/server.js';
import { apiRequests, errorLines, useEmulator } from './helpers/emulator.js';
import { madeServices, MANAGED, named, RUNNER_IP, serviceInputs } from './helpers/services.js';
import { until } from './helpers/signals.js';

const emulator = useEmulator({ serviceTransitionPolls: 1 });
const posts = () => apiRequests(emulator()).filter((r) => r.method === 'POST');
let lookup: IpLookup;
beforeAll(async () => {
  lookup = await startIpLookup({ answer: `${RUNNER_IP}\n` });
});
afterAll(() => lookup.close());

describe('create-service', () => {
  test('created, running, answering /ping; the password masked everywhere, also with debug logging; the post step stops and deletes it', async () => {
    const inputs = serviceInputs(emulator());
    const { main, post } = await runJob(inputs, { env: { RUNNER_DEBUG: '1' } });
    expect(main.exitCode).toBe(0);
    const { id, password } = main.outputs;
    expect(main.outputs).toMatchObject({ state: 'running', host: '127.0.0.1', username: 'default', created: 'true' });
    expect(main.outputs.name).toMatch(/^gha-octo-repo-1658821493-1-[a-z0-9]{8}$/);
    expect(password).toMatch(/^\S{16}$/);
    // Masked before anything else is printed, and never printed itself.
    const maskAt = main.stdout.indexOf(`::add-mask::${password}`);
    expect(maskAt).toBeGreaterThanOrEqual(0);
    expect(main.allText.split('\n').filter((line) => line.includes(password as string))).toEqual(
      expect.arrayContaining([`::add-mask::${password}`]),
    );
    expect(main.allText.split('\n').filter((line) => line.includes(password as string) && line !== `::add-mask::${password}`)).toEqual([]);
    expect(maskAt).toBeLessThan(main.stdout.indexOf('Created service'));
    expect(main.outputs.result).not.toContain(password);
    expect(main.stdout).toMatch(
      /\/ping does not answer Ok\. yet \(HTTP 503 "Service is starting up"\); waiting\.[\s\S]*answers \/ping \(Ok\.\)/,
    );
    const [sent] = posts();
    expect(sent?.body).toMatchObject({
      name: main.outputs.name,
      provider: 'aws',
      region: 'us-east-1',
      ipAccessList: [{ source: RUNNER_IP }],
      tags: [MANAGED, { key: 'gha-mark', value: expect.stringMatching(/^octo-org\.octo-repo\.1658821493-1-[a-z0-9]{8}$/) }],
    });
    expect(main.state.created).toBe(id);

    expect(post.exitCode).toBe(0);
    for (const change of ['running', 'running -> stopped']) {
      expect(post.stdout.split('\n').filter((line) => line.endsWith(`(${id}): ${change}.`))).toHaveLength(1);
    }
    expect(post.stdout).toContain('deletion accepted');
    expect(named(emulator(), main.outputs.name)).toEqual([]);
  });

  test("the default ip-access-list is the runner's public address, looked up as allow-runner-ip does", async () => {
    const { main } = await runJob(
      serviceInputs(emulator(), { 'ip-access-list': '', 'ip-lookup-urls': lookup.url, 'wait-for-ready': 'false' }),
    );
    expect(main.exitCode).toBe(0);
    expect(posts()[0]?.body).toMatchObject({ ipAccessList: [{ source: `${RUNNER_IP}/32` }] });
  });

  test('a /ping slow to answer is waited for, each answer logged once', async () => {
    const slow = await startEmulator({ serviceTransitionPolls: 1, servicePingFailures: 4 });
    try {
      const { main, post } = await runJob(serviceInputs(slow));
      expect(main.exitCode).toBe(0);
      expect(main.stdout.match(/\/ping does not answer Ok\. yet/g)).toHaveLength(1);
      expect(post.exitCode).toBe(0);
      expect(madeServices(slow)).toEqual([]);
    } finally {
      await slow.close();
    }
  });

  test('a state that cannot become running fails at once, naming it, with the outputs set; the post step deletes the service', async () => {
    const stuck = await startEmulator({ serviceTransitionPolls: 1_000 });
    try {
      const inputs = serviceInputs(stuck);
      const main = await runStep(inputs, {
        onSpawn: () => {
          void until(() => madeServices(stuck).length > 0).then(() => stuck.setServiceState('failed', madeServices(stuck)[0]?.id));
        },
      });
      expect(main.exitCode).toBe(1);
      expect(errorLines(main.stdout)).toEqual([expect.stringMatching(/^::error::Service \S+ is failed, which cannot become running\.$/)]);
      expect(main.outputs).toMatchObject({ state: 'failed', created: 'true' });
      expect(main.outputs.password).toMatch(/^\S{16}$/);
      const post = await runStep(inputs, { state: main.state });
      expect(post.exitCode).toBe(0);
      expect(madeServices(stuck)).toEqual([]);
    } finally {
      await stuck.close();
    }
  });

  describe('a service of the same name that is not the step', () => {
    test('if-exists fail (the default): an input error, nothing created or touched', async () => {
      const foreign = emulator().seedService({ name: 'ci-shared' });
      const { main, post } = await runJob(serviceInputs(emulator(), { name: 'ci-shared' }));
      expect(main.exitCode).toBe(1);
      expect(errorLines(main.stdout)).toEqual([
        expect.stringMatching(
          new RegExp(`^::error::Input 'name' is "ci-shared", the name of a service .*${foreign}.*Accepted: .*if-exists: reuse`),
        ),
      ]);
      expect(posts()).toEqual([]);
      expect(post.exitCode).toBe(0);
      expect(emulator().service(foreign).state).toBe('running');
    });

    test('if-exists reuse: it is the result, without a password, and never stopped or deleted', async () => {
      const foreign = emulator().seedService({ name: 'ci-reused' });
      const { main, post } = await runJob(serviceInputs(emulator(), { name: 'ci-reused', 'if-exists': 'reuse' }));
      expect(main.exitCode).toBe(0);
      expect(main.outputs).toMatchObject({ id: foreign, created: 'false', password: '', state: 'running' });
      expect(posts()).toEqual([]);
      expect(post.exitCode).toBe(0);
      expect(apiRequests(emulator()).filter((r) => r.method !== 'GET')).toEqual([]);
    });
  });

  test.each([
    ['lost', { kind: 'drop-after-commit' }],
    ['unreadable', { kind: 'garble', as: 'truncated' }],
  ] as const)(
    'a %s create answer: the step finds its service by its tags and sets a new password; one service, deleted by the post step',
    async (_what, fault) => {
      emulator().addFault({ method: 'POST', path: /\/services$/, fault });
      const inputs = serviceInputs(emulator());
      const main = await runStep(inputs);
      expect(main.exitCode).toBe(0);
      expect(main.state.ambiguous).toBe('true');
      expect(posts()).toHaveLength(1);
      expect(named(emulator(), main.outputs.name)).toHaveLength(1);
      const resets = apiRequests(emulator()).filter((r) => r.path.endsWith('/password'));
      expect(resets.map((r) => [r.method, r.body])).toEqual([['PATCH', {}]]);
      expect(main.stdout).toContain('its password cannot be read again, so the step sets a new one');
      expect(main.outputs.password).toMatch(/^\S{16}$/);
      expect(main.stdout).toContain(`::add-mask::${main.outputs.password}`);
      const post = await runStep(inputs, { state: main.state });
      expect(post.exitCode).toBe(0);
      expect(named(emulator(), main.outputs.name)).toEqual([]);
    },
  );

  test('409s after stopped are retried every 10 s (scaled) until the API deletes', async () => {
    const busy = await startEmulator({ serviceTransitionPolls: 1, serviceDeleteConflicts: 3 });
    try {
      const { main, post } = await runJob(serviceInputs(busy, { 'wait-for-ready': 'false' }));
      expect(main.exitCode).toBe(0);
      expect(post.exitCode).toBe(0);
      expect(post.stdout.match(/refused the deletion for now \(409\)/g)).toHaveLength(1);
      expect(busy.requests.filter((r) => r.method === 'DELETE').map((r) => r.status)).toEqual([409, 409, 409, 200]);
      expect(madeServices(busy)).toEqual([]);
    } finally {
      await busy.close();
    }
  });

  test('a deletion that cannot finish within wait-timeout: one error naming the service, its ID and how to delete it', async () => {
    const stubborn = await startEmulator({ serviceTransitionPolls: 1, serviceDeleteConflicts: 10_000 });
    try {
      const { main, post } = await runJob(serviceInputs(stubborn, { 'wait-for-ready': 'false', 'wait-timeout': '2s' }));
      const { id, name } = main.outputs;
      expect(post.exitCode).toBe(1);
      expect(errorLines(post.stdout)).toEqual([
        expect.stringMatching(
          new RegExp(
            `^::error::.*Could not delete service ${name} \\(${id}\\): it was not deleted within 2s \\(wait-timeout\\); last state stopped\\. .*operation: delete-service, service: ${id}\\.$`,
          ),
        ),
      ]);
    } finally {
      await stubborn.close();
    }
  });

  test.each([
    ['provider', { provider: 'oracle' }],
    ['region', { region: 'mars-1' }],
    ['region', { region: '' }],
    ['name', { name: 'x'.repeat(51) }],
    ['tags', { tags: 'managed-by=me' }],
    ['tags', { tags: 'team=data eng' }],
    ['num-replicas', { 'num-replicas': '0' }],
    ['min-replica-memory-gb', { 'min-replica-memory-gb': '10' }],
    ['if-exists', { 'if-exists': 'replace' }],
    ['ip-access-list', { 'ip-access-list': '10.0.0.0/33' }],
    ['delete-on-exit', { 'delete-on-exit': 'sometimes' }],
    ['body', { body: '{"nmae": "x"}' }],
    ['idle-timeout-minutes', { 'idle-timeout-minutes': '3' }],
    ['num-replicas', { 'num-replicas': '1e1' }],
    ['body', { body: '{"minReplicas": 2}' }],
    ['body', { body: '{"minReplicas": 2, "maxReplicas": 3, "numReplicas": 1}' }],
    ['body', { body: '{"minReplicas": 2.5, "maxReplicas": 3}' }],
    ['body', { body: '{"minTotalMemoryGb": 30}' }],
    ['ip-lookup-urls', { 'ip-access-list': '', 'ip-lookup-urls': ',' }],
  ])('bad %s %j fails naming it, with no request', async (input, bad) => {
    const main = await runStep(serviceInputs(emulator(), bad));
    expect(main.exitCode).toBe(1);
    expect(errorLines(main.stdout)).toEqual([expect.stringMatching(new RegExp(`^::error::Input '${input}' .+\\. Accepted: .+`))]);
    expect(emulator().requests).toEqual([]);
  });
});
