import { describe, expect, test } from '@jest/globals';
import { runJob, runStep } from '../emulator/runner.js';
import { apiRequests, errorLines, stepInputs, useEmulator } from './helpers/emulator.js';
import { cancelledMain } from './helpers/signals.js';

const emulator = useEmulator({ readyAfterPolls: 1 });
const VPCE_SERVICE = 'com.amazonaws.vpce.us-east-1.vpce-svc-0123456789abcdef0';
const SHARE_ARN = 'arn:aws:ram:us-east-1:123456789012:resource-share/73da1ab9-b94a-4ba3-8eb4-45917f7f4b12';
const MSK_ARN = 'arn:aws:kafka:us-east-1:123456789012:cluster/orders/5a7e3c1d-1111-2222-3333-444455556666-2';
/** The description as sent: the input, then the step's mark. */
const MARKED_ORDERS = /^orders \[gha octo-org\/octo-repo run 1658821493-1 [a-z0-9]{8}\]$/;

// Each test makes its own endpoint, to the same target: if-exists reuse has tests of its own.
const rpe = (inputs: Record<string, string>) =>
  stepInputs(emulator(), {
    operation: 'create-reverse-private-endpoint',
    service: emulator().serviceId,
    description: 'orders',
    'if-exists': 'create',
    ...inputs,
  });

describe('create-private-endpoint', () => {
  test('adds the endpoint and sets its outputs', async () => {
    const { main } = await runJob(
      stepInputs(emulator(), {
        operation: 'create-private-endpoint',
        service: emulator().serviceId,
        'endpoint-id': 'vpce-0a1b2c3d4e5f60718',
        description: 'app vpc',
      }),
    );
    expect(main.exitCode).toBe(0);
    expect(apiRequests(emulator()).map((r) => [r.method, r.body])).toEqual([
      ['GET', undefined],
      ['POST', { id: 'vpce-0a1b2c3d4e5f60718', description: 'app vpc' }],
    ]);
    expect(main.outputs).toMatchObject({
      id: 'vpce-0a1b2c3d4e5f60718',
      'endpoint-id': 'vpce-0a1b2c3d4e5f60718',
      description: 'app vpc',
      'cloud-provider': 'aws',
      region: 'us-east-1',
      'http-status': '200',
    });
    expect(
      emulator()
        .privateEndpoints()
        .map((e) => e.id),
    ).toContain('vpce-0a1b2c3d4e5f60718');
    expect(main.outputs.created).toBe('true');
  });

  test('already attached: nothing is sent, created is false, and the post step leaves it attached', async () => {
    const id = 'vpce-0a1b2c3d4e5f60719';
    emulator().attachPrivateEndpoint(id);
    const step = stepInputs(emulator(), { operation: 'create-private-endpoint', service: emulator().serviceId, 'endpoint-id': id });
    const { main, post } = await runJob(step);
    expect(main.exitCode).toBe(0);
    expect(apiRequests(emulator()).map((r) => r.method)).toEqual(['GET']);
    expect(main.outputs).toMatchObject({ id, 'endpoint-id': id, created: 'false', 'cloud-provider': 'aws', region: 'us-east-1' });
    // Nothing is made up: the service's answer is the result, and the API gave no description.
    expect(main.outputs.description).toBe('');
    expect((JSON.parse(main.outputs.result ?? '{}') as { id?: string }).id).toBe(emulator().serviceId);
    expect(post.exitCode).toBe(0);
    // A re-run of the same workflow succeeds the same way.
    expect((await runStep(step)).outputs.created).toBe('false');
    expect(
      emulator()
        .privateEndpoints()
        .map((e) => e.id),
    ).toContain(id);
  });

  test("an unknown service is the API's 404, quoted", async () => {
    const step = await runStep(
      stepInputs(emulator(), {
        operation: 'create-private-endpoint',
        service: '11111111-2222-4333-8444-555555555555',
        'endpoint-id': 'vpce-1',
      }),
    );
    expect(step.exitCode).toBe(1);
    expect(errorLines(step.stdout)).toEqual([
      expect.stringMatching(
        /^::error::ClickHouse Cloud API answered HTTP 404 to GET .*\/services\/11111111-2222-4333-8444-555555555555: NOT_FOUND/,
      ),
    ]);
  });
});

describe('create-private-endpoint, attached before the step', () => {
  const own = useEmulator();
  test('a job cancelled while the step reads the service never detaches it', async () => {
    const id = 'vpce-0a1b2c3d4e5f60720';
    own().attachPrivateEndpoint(id);
    own().addFault({ method: 'GET', fault: { kind: 'delay', ms: 1000 } });
    const step = stepInputs(own(), { operation: 'create-private-endpoint', service: own().serviceId, 'endpoint-id': id });
    const main = await cancelledMain(step, () => apiRequests(own()).some((r) => r.method === 'GET'), ['SIGINT']);
    expect(main.exitCode).toBe(1);
    expect(main.stdout).toMatch(/cancelled \(SIGINT\)/);
    const post = await runStep(step, { state: main.state });
    expect(post.exitCode).toBe(0);
    expect(apiRequests(own()).filter((r) => r.method !== 'GET')).toEqual([]);
    expect(
      own()
        .privateEndpoints()
        .map((e) => e.id),
    ).toEqual([id]);
  });
});

describe('create-reverse-private-endpoint', () => {
  test.each([
    ['VPC_ENDPOINT_SERVICE', { 'vpc-endpoint-service-name': VPCE_SERVICE }, { vpcEndpointServiceName: VPCE_SERVICE }],
    [
      'VPC_RESOURCE',
      { 'vpc-resource-configuration-id': 'rcfg-0123456789abcdef0', 'vpc-resource-share-arn': SHARE_ARN },
      { vpcResourceConfigurationId: 'rcfg-0123456789abcdef0', vpcResourceShareArn: SHARE_ARN },
    ],
    [
      'MSK_MULTI_VPC',
      { 'msk-cluster-arn': MSK_ARN, 'msk-authentication': 'SASL_IAM' },
      { mskClusterArn: MSK_ARN, mskAuthentication: 'SASL_IAM' },
    ],
  ])('%s: creates it with its own fields and outputs every result field', async (type, inputs, fields) => {
    const { main } = await runJob(rpe({ type, ...inputs }));
    expect(main.exitCode).toBe(0);
    expect(
      apiRequests(emulator())
        .filter((r) => r.method === 'POST')
        .map((r) => r.body),
    ).toEqual([{ description: expect.stringMatching(MARKED_ORDERS), type, ...fields }]);
    const o = main.outputs;
    expect(o.description).toMatch(MARKED_ORDERS);
    expect(o).toMatchObject({
      'service-id': emulator().serviceId,
      type,
      status: 'Provisioning',
      created: 'true',
      ...Object.fromEntries(Object.entries(inputs)),
    });
    expect(o.id).toMatch(/^[0-9a-f-]{36}$/);
    expect(o['endpoint-id']).toMatch(/^vpce-/);
    expect(JSON.parse(o['dns-names'] ?? '')).toEqual(expect.any(Array));
    expect(JSON.parse(o['private-dns-names'] ?? '')).toEqual(expect.any(Array));
    expect(JSON.parse(o.result ?? '')).toMatchObject({ id: o.id, status: 'Provisioning' });
  });

  test.each([
    ['a missing field', { type: 'VPC_RESOURCE', 'vpc-resource-configuration-id': 'rcfg-0123456789abcdef0' }, 'vpc-resource-share-arn'],
    [
      'a foreign field',
      { type: 'VPC_ENDPOINT_SERVICE', 'vpc-endpoint-service-name': VPCE_SERVICE, 'msk-authentication': 'SASL_IAM' },
      'msk-authentication',
    ],
    [
      'a description of 250 characters, over 255 with the mark',
      { type: 'VPC_ENDPOINT_SERVICE', 'vpc-endpoint-service-name': VPCE_SERVICE, description: 'd'.repeat(250) },
      'description',
    ],
    [
      'a service name that is not one',
      { type: 'VPC_ENDPOINT_SERVICE', 'vpc-endpoint-service-name': 'my-service' },
      'vpc-endpoint-service-name',
    ],
  ])('%s fails before any request', async (_what, inputs, input) => {
    const { main } = await runJob(rpe(inputs));
    expect(main.exitCode).toBe(1);
    expect(errorLines(main.stdout)).toEqual([expect.stringMatching(new RegExp(`^::error::Input '${input}' `))]);
    expect(emulator().requests).toHaveLength(0);
  });

  test('wait-for-ready polls until Ready; the outputs hold the final state', async () => {
    const step = await runStep(rpe({ type: 'VPC_ENDPOINT_SERVICE', 'vpc-endpoint-service-name': VPCE_SERVICE, 'wait-for-ready': 'true' }));
    expect(step.exitCode).toBe(0);
    expect(step.outputs.status).toBe('Ready');
    const polls = apiRequests(emulator()).filter((r) => r.method === 'GET' && r.path.endsWith(step.outputs.id ?? '-'));
    expect(polls).toHaveLength(1);
    expect(polls[0]?.path).toBe(
      `/v1/organizations/${emulator().organizationId}/services/${emulator().serviceId}/clickpipesReversePrivateEndpoints/${step.outputs.id}`,
    );
    expect(step.stdout).toContain('Status: Provisioning -> Ready after');
    expect(JSON.parse(step.outputs.result ?? '')).toMatchObject({ status: 'Ready' });
  });

  test('wait-for-ready fails on Failed, keeping the endpoint and setting the outputs', async () => {
    emulator().settleNextReversePrivateEndpoint('Failed');
    const step = await runStep(rpe({ type: 'VPC_ENDPOINT_SERVICE', 'vpc-endpoint-service-name': VPCE_SERVICE, 'wait-for-ready': 'true' }));
    expect(step.exitCode).toBe(1);
    expect(step.outputs.status).toBe('Failed');
    expect(errorLines(step.stdout)).toEqual([
      expect.stringMatching(
        /^::error::The reverse private endpoint ended in status Failed after \d+\.\d s; it is kept so it can be inspected\.$/,
      ),
    ]);
    expect(
      emulator()
        .reversePrivateEndpoints()
        .map((e) => e.id),
    ).toContain(step.outputs.id);
    expect(step.summary).toContain('failed');
  });
});

describe('create-reverse-private-endpoint, never ready', () => {
  const slow = useEmulator({ readyAfterMs: 3_600_000 });
  test('wait-for-ready gives up at wait-timeout with the last status', async () => {
    const inputs = stepInputs(slow(), {
      operation: 'create-reverse-private-endpoint',
      service: slow().serviceId,
      description: 'slow',
      type: 'VPC_ENDPOINT_SERVICE',
      'vpc-endpoint-service-name': VPCE_SERVICE,
      'wait-for-ready': 'true',
      'wait-timeout': '3s',
    });
    const started = Date.now();
    const step = await runStep(inputs);
    expect(step.exitCode).toBe(1);
    expect(Date.now() - started).toBeLessThan(6000);
    expect(errorLines(step.stdout)).toEqual([
      expect.stringMatching(
        /^::error::The reverse private endpoint was not Ready after 3\.\d s \(wait-timeout 3s\); last status Provisioning\.$/,
      ),
    ]);
    expect(step.outputs.status).toBe('Provisioning');
  });
});
