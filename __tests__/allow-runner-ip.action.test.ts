import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import { startIpLookup, type IpLookup } from '../emulator/ip-lookup.js';
import { runJob, runStep } from '../emulator/runner.js';
import type { Emulator } from '../emulator/server.js';
import { apiRequests, errorLines, stepInputs, useEmulator } from './helpers/emulator.js';
import { TEST_INTERVALS } from './helpers/intervals.js';
import { cancelledMain, until } from './helpers/signals.js';

const emulator = useEmulator();
const RUNNER_IP = '34.120.17.5';
const patches = () => apiRequests(emulator()).filter((r) => r.method === 'PATCH');
const list = () => emulator().service().ipAccessList ?? [];

let lookups: IpLookup[] = [];
beforeAll(async () => {
  lookups = await Promise.all([
    startIpLookup({ answer: `${RUNNER_IP}\n` }),
    startIpLookup({ answer: '<html>proxy sign-in</html>' }),
    startIpLookup({ answer: '10.1.2.3\n' }),
    startIpLookup({ status: 503, answer: 'busy' }),
    startIpLookup({ answer: `${RUNNER_IP}\n`, delayMs: 8_000 }),
    // Reachable, but by a host name the ip-lookup-urls rule does not admit for plain http.
    startIpLookup({ answer: '198.51.100.66\n' }),
  ]);
  const unencrypted = new URL(lookups[5]?.url ?? '');
  unencrypted.hostname = '0.0.0.0';
  lookups.push(await startIpLookup({ redirectTo: unencrypted.href }), await startIpLookup({ redirectTo: lookups[0]?.url ?? '' }));
});
afterAll(async () => Promise.all(lookups.map((lookup) => lookup.close())));
const url = (i: number) => () => lookups[i]?.url ?? '';
const [good, html, privateAddress, busy, slow] = [url(0), url(1), url(2), url(3), url(4)];
const [toUnencrypted, toGood] = [url(6), url(7)];

const inputs = (extra: Record<string, string> = {}) =>
  stepInputs(emulator(), { operation: 'allow-runner-ip', service: emulator().serviceId, 'ip-lookup-urls': good(), ...extra });

describe('allow-runner-ip', () => {
  test('adds the runner address as /32 with the step mark, and the post step removes exactly that entry', async () => {
    emulator().setServiceIpAccessList([{ source: '52.1.2.0/24', description: 'office' }]);
    const main = await runStep(inputs());
    expect(main.exitCode).toBe(0);
    expect(main.outputs).toMatchObject({ ip: `${RUNNER_IP}/32`, added: 'true', 'covered-by': '', 'service-id': emulator().serviceId });
    expect(patches().map((r) => r.body)).toEqual([
      {
        ipAccessList: {
          add: [
            { source: `${RUNNER_IP}/32`, description: expect.stringMatching(/^gha octo-org\/octo-repo run 1658821493-1 [a-z0-9]{8}$/) },
          ],
        },
      },
    ]);
    expect(JSON.parse(main.outputs.result ?? '[]')).toHaveLength(2);
    const post = await runStep(inputs(), { state: main.state });
    expect(post.exitCode).toBe(0);
    expect(list()).toEqual([{ source: '52.1.2.0/24', description: 'office' }]);
  });

  test.each([
    ['the same address', `${RUNNER_IP}`],
    ['a block that contains it', '34.120.0.0/16'],
    ['anywhere', '0.0.0.0/0'],
  ])('covered by %s: adds nothing, removes nothing', async (_what, source) => {
    emulator().setServiceIpAccessList([{ source, description: 'already there' }]);
    const { main, post } = await runJob(inputs());
    expect(main.exitCode).toBe(0);
    expect(main.outputs).toMatchObject({ added: 'false', 'covered-by': source });
    expect(post.exitCode).toBe(0);
    expect(patches()).toEqual([]);
    expect(list()).toEqual([{ source, description: 'already there' }]);
  });

  test('the ip input is allowed instead of a lookup', async () => {
    emulator().setServiceIpAccessList([]);
    const main = await runStep(inputs({ ip: '35.1.2.0/24', 'ip-lookup-urls': busy() }));
    expect(main.exitCode).toBe(0);
    expect(main.outputs.ip).toBe('35.1.2.0/24');
    expect(lookups[3]?.asked).toBe(0);
  });

  test('lookups that fail one by one (a page, a private address, a 503) are skipped until one answers', async () => {
    emulator().setServiceIpAccessList([]);
    const main = await runStep(inputs({ 'ip-lookup-urls': [html(), privateAddress(), busy(), good()].join('\n') }));
    expect(main.exitCode).toBe(0);
    expect(main.outputs.ip).toBe(`${RUNNER_IP}/32`);
  });

  test('a redirect is followed only to a URL the rule admits: plain http to another host fails that URL', async () => {
    emulator().setServiceIpAccessList([]);
    const main = await runStep(inputs({ 'ip-lookup-urls': [toUnencrypted(), privateAddress()].join('\n') }));
    expect(main.exitCode).toBe(1);
    const [line] = errorLines(main.stdout);
    expect(line).toContain(`${toUnencrypted()}: answered HTTP 302, a redirect to http://0.0.0.0:`);
    expect(line).toContain('which uses http:// to 0.0.0.0, not followed');
    expect(lookups[5]?.asked).toBe(0);
    expect(apiRequests(emulator())).toEqual([]);
    const next = await runStep(inputs({ 'ip-lookup-urls': [toUnencrypted(), toGood()].join('\n') }));
    expect(next.exitCode).toBe(0);
    expect(next.outputs.ip).toBe(`${RUNNER_IP}/32`);
    expect(lookups[5]?.asked).toBe(0);
  });

  test('none answering fails the step naming each URL and its answer, before any change', async () => {
    emulator().setServiceIpAccessList([]);
    const main = await runStep(inputs({ 'ip-lookup-urls': [html(), privateAddress(), busy(), slow()].join(',') }));
    expect(main.exitCode).toBe(1);
    const [line] = errorLines(main.stdout);
    expect(line).toContain(`${html()}: answered "<html>proxy sign-in</html>", not an IPv4 address`);
    expect(line).toContain(`${privateAddress()}: answered "10.1.2.3", a private address, not a public one`);
    expect(line).toContain(`${busy()}: HTTP 503`);
    expect(line).toContain(`${slow()}: no answer within ${TEST_INTERVALS.ipLookupTimeoutMs / 1000} s`);
    expect(apiRequests(emulator())).toEqual([]);
  });

  test('an add whose answer was lost is settled by reading the list, not sent twice', async () => {
    emulator().setServiceIpAccessList([]);
    emulator().addFault({ method: 'PATCH', fault: { kind: 'drop-after-commit' } });
    const { main, post } = await runJob(inputs());
    expect(main.exitCode).toBe(0);
    expect(main.outputs.added).toBe('true');
    expect(patches().map((r) => r.status)).toEqual([0, 200]);
    expect(post.exitCode).toBe(0);
    expect(list()).toEqual([]);
  });

  test('a refused add is recorded as refused: the post step leaves the identical entry another job made', async () => {
    emulator().setServiceIpAccessList([]);
    emulator().addFault({ method: 'PATCH', fault: { kind: 'delay', ms: 1000 } });
    const step = inputs({ description: 'ci shared' });
    const running = runStep(step);
    await until(() => patches().length > 0);
    // Another job behind the same NAT, with the same description, adds the address first.
    const theirs = { source: `${RUNNER_IP}/32`, description: 'ci shared' };
    emulator().setServiceIpAccessList([theirs]);
    const main = await running;
    expect(main.exitCode).toBe(1);
    expect(errorLines(main.stdout)).toEqual([expect.stringMatching(/HTTP 400 to PATCH .*is already in the IP access list/)]);
    const post = await runStep(step, { state: main.state });
    expect(post.exitCode).toBe(0);
    expect(patches()).toHaveLength(1);
    expect(list()).toEqual([theirs]);
  });

  test('remove-on-exit false keeps the entry', async () => {
    emulator().setServiceIpAccessList([]);
    const { main, post } = await runJob(inputs({ 'remove-on-exit': 'false' }));
    expect(main.exitCode).toBe(0);
    expect(post.exitCode).toBe(0);
    expect(list().map((e) => e.source)).toEqual([`${RUNNER_IP}/32`]);
  });

  test("an entry whose description changed is no longer the step's: the post step leaves it and warns", async () => {
    emulator().setServiceIpAccessList([]);
    const main = await runStep(inputs({ description: 'ci job 7' }));
    emulator().setServiceIpAccessList([{ source: `${RUNNER_IP}/32`, description: 'kept by ops' }]);
    const post = await runStep(inputs({ description: 'ci job 7' }), { state: main.state });
    expect(post.exitCode).toBe(0);
    expect(post.stdout).toMatch(/::warning::.*no longer carries this step's mark/);
    expect(list()).toEqual([{ source: `${RUNNER_IP}/32`, description: 'kept by ops' }]);
  });

  test('a step killed after its change: the post step removes the entry it recorded', async () => {
    emulator().setServiceIpAccessList([]);
    emulator().addFault({ method: 'PATCH', fault: { kind: 'delay', ms: 1500 } });
    const step = inputs({ 'remove-on-exit': 'false' });
    const main = await cancelledMain(step, () => patches().length > 0, ['SIGKILL']);
    expect(main.exitCode).not.toBe(0);
    await until(() => list().length > 0);
    expect(list().map((e) => e.source)).toEqual([`${RUNNER_IP}/32`]);
    const post = await runStep(step, { state: main.state });
    expect(post.exitCode).toBe(0);
    expect(list()).toEqual([]);
  });

  test.each([
    ['ip', { ip: '10.0.0.1/8' }],
    ['ip', { ip: 'fe80::1' }],
    ['ip-lookup-urls', { 'ip-lookup-urls': 'http://checkip.amazonaws.com' }],
    ['ip-lookup-urls', { 'ip-lookup-urls': 'not a url' }],
    ['ip-lookup-urls', { 'ip-lookup-urls': 'https://ci:hunter2@checkip.example.com' }],
    // Read with "ci:" as its scheme, and a URL that does not parse: neither is quoted.
    ['ip-lookup-urls', { 'ip-lookup-urls': 'ci:hunter2@checkip.example.com' }],
    ['ip-lookup-urls', { 'ip-lookup-urls': 'https://ci:hunter2@check ip.example.com' }],
    ['remove-on-exit', { 'remove-on-exit': 'sometimes' }],
    ['service', { service: 'svc-1' }],
  ])('bad %s %j fails naming it, with no request', async (input, bad) => {
    const { main, post } = await runJob(inputs(bad));
    expect(main.exitCode).toBe(1);
    expect(errorLines(main.stdout)).toEqual([expect.stringMatching(new RegExp(`^::error::Input '${input}' .+\\. Accepted: .+`))]);
    expect(post.exitCode).toBe(0);
    expect(main.allText).not.toContain('hunter2');
    expect(apiRequests(emulator())).toEqual([]);
  });
});

describe('allow-runner-ip, a service that lists /32 entries as the bare address', () => {
  const bare = useEmulator({ serviceBareSingleAddresses: true });
  test('the post step finds the entry as listed and removes it by that source', async () => {
    bare().setServiceIpAccessList([]);
    const step = stepInputs(bare(), { operation: 'allow-runner-ip', service: bare().serviceId, 'ip-lookup-urls': good() });
    const main = await runStep(step);
    expect(main.exitCode).toBe(0);
    expect(
      bare()
        .service()
        .ipAccessList?.map((e) => e.source),
    ).toEqual([RUNNER_IP]);
    const post = await runStep(step, { state: main.state });
    expect(post.exitCode).toBe(0);
    expect(apiRequests(bare()).at(-1)?.body).toEqual({ ipAccessList: { remove: [{ source: RUNNER_IP }] } });
    expect(bare().service().ipAccessList).toEqual([]);
  });
});

describe('allow-runner-ip, a service answered without ipAccessList', () => {
  // The field is optional in the document: a later API (or a proxy) may leave it out of a checked answer.
  let drop: (e: Emulator) => boolean = () => false;
  const emulatorWithout: () => Emulator = useEmulator({
    laterApi: (operation, result) => {
      if (operation !== 'GET /v1/organizations/{organizationId}/services/{serviceId}' || !drop(emulatorWithout())) return result;
      const { ipAccessList: _dropped, ...rest } = result as Record<string, unknown>;
      return rest;
    },
  });
  const step = () =>
    stepInputs(emulatorWithout(), {
      operation: 'allow-runner-ip',
      service: emulatorWithout().serviceId,
      'ip-lookup-urls': good(),
      'max-attempts': '2',
    });
  const unreadable = /an answer that cannot be read: no ipAccessList in its result/;

  test('in the main step: a failed step naming the unreadable answer, nothing added', async () => {
    emulatorWithout().setServiceIpAccessList([]);
    drop = () => true;
    const main = await runStep(step());
    expect(main.exitCode).toBe(1);
    expect(errorLines(main.stdout)).toEqual([expect.stringMatching(unreadable)]);
    expect(apiRequests(emulatorWithout()).map((r) => r.method)).toEqual(['GET', 'GET']);
  });

  test('in the settling read after an ambiguous add: never taken as "not added"', async () => {
    emulatorWithout().setServiceIpAccessList([]);
    drop = (e) => e.requests.some((r) => r.method === 'PATCH');
    emulatorWithout().addFault({ method: 'PATCH', fault: { kind: 'drop-after-commit' } });
    const main = await runStep(step());
    expect(main.exitCode).toBe(1);
    expect(errorLines(main.stdout)).toEqual([expect.stringMatching(unreadable)]);
    expect(apiRequests(emulatorWithout()).filter((r) => r.method === 'PATCH')).toHaveLength(1);
  });

  test('in the post step: it fails naming the unreadable answer and removes nothing', async () => {
    emulatorWithout().setServiceIpAccessList([]);
    drop = () => false;
    const main = await runStep(step());
    expect(main.exitCode).toBe(0);
    drop = () => true;
    const post = await runStep(step(), { state: main.state });
    expect(post.exitCode).toBe(1);
    expect(errorLines(post.stdout)).toEqual([expect.stringMatching(unreadable)]);
    expect(
      emulatorWithout()
        .service()
        .ipAccessList?.map((e) => e.source),
    ).toEqual([`${RUNNER_IP}/32`]);
  });
});
