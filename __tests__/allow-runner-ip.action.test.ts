import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import { startIpLookup, type IpLookup } from '../emulator/ip-lookup.js';
import { runJob, runStep } from '../emulator/runner.js';
import { apiRequests, stepInputs, useEmulator } from './helpers/emulator.js';
import { TEST_INTERVALS } from './helpers/intervals.js';
import { cancelledMain, until } from './helpers/signals.js';

const emulator = useEmulator();
const RUNNER_IP = '34.120.17.5';
const errorLines = (stdout: string) => stdout.split('\n').filter((line) => line.startsWith('::error::'));
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
  ]);
});
afterAll(async () => Promise.all(lookups.map((lookup) => lookup.close())));
const url = (i: number) => () => lookups[i]?.url ?? '';
const [good, html, privateAddress, busy, slow] = [url(0), url(1), url(2), url(3), url(4)];

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
