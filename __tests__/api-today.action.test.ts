import { describe, expect, test } from '@jest/globals';
import { randomUUID } from 'node:crypto';
import { runJob, runStep } from '../emulator/runner.js';
import type { Emulator } from '../emulator/server.js';
import { apiRequests, errorLines, stepInputs, useEmulator } from './helpers/emulator.js';

// The API as a current organization meets it: assigned roles, paginated key lists, GCP Private
// Service Connect, custom private DNS names, and fields the document does not list yet.
const extraRole = { id: randomUUID(), name: 'ci deployer', type: 'custom' };
const emulator = useEmulator({
  keysPageSize: 3,
  // A second custom role whose name differs from "CI deployer" only in case.
  laterApi: (operation, result) => (operation.endsWith('/roles') && process.env.TWIN_ROLE ? [...(result as object[]), extraRole] : result),
});
const roleId = (e: Emulator, name: string) => e.roles().find((role) => role.name === name)?.id;
const posts = () => apiRequests(emulator()).filter((r) => r.method === 'POST');

describe('create-key with assigned roles', () => {
  test.each([
    ['an exact name', 'CI deployer'],
    ['a unique case-insensitive match', 'ci DEPLOYER'],
  ])('%s is looked up, and the key is created with assignedRoleIds only', async (_what, given) => {
    const { main, post } = await runJob(stepInputs(emulator(), { operation: 'create-key', 'assigned-roles': given }));
    expect(main.exitCode).toBe(0);
    const id = roleId(emulator(), 'CI deployer');
    expect(posts()[0]?.body).toEqual(expect.objectContaining({ assignedRoleIds: [id] }));
    expect(posts()[0]?.body).not.toHaveProperty('roles');
    expect(JSON.parse(main.outputs['assigned-roles'] ?? '')).toEqual([{ roleId: id, roleName: 'CI deployer', roleType: 'custom' }]);
    expect(main.outputs.roles).toBe('[]');
    expect(post.exitCode).toBe(0);
  });

  test('role UUIDs are sent as given, without a look-up', async () => {
    const id = roleId(emulator(), 'Developer') as string;
    const main = await runStep(stepInputs(emulator(), { operation: 'create-key', 'assigned-roles': id, 'revoke-on-exit': 'false' }));
    expect(main.exitCode).toBe(0);
    expect(apiRequests(emulator()).map((r) => r.method)).toEqual(['POST']);
    expect(JSON.parse(main.outputs['assigned-roles'] ?? '')[0].roleName).toBe('Developer');
  });

  test('a name that matches no role fails before any create, listing the role names', async () => {
    const { main } = await runJob(stepInputs(emulator(), { operation: 'create-key', 'assigned-roles': 'Deployer' }));
    expect(main.exitCode).toBe(1);
    expect(errorLines(main.stdout)).toEqual([
      expect.stringMatching(
        /^::error::Input 'assigned-roles' names "Deployer", which matches no role of this organization\. Accepted: .*"Admin", "Developer", "Member", "CI deployer"/,
      ),
    ]);
    expect(posts()).toEqual([]);
  });

  test('a name that matches several roles (by case) fails before any create', async () => {
    process.env.TWIN_ROLE = '1';
    try {
      const { main } = await runJob(stepInputs(emulator(), { operation: 'create-key', 'assigned-roles': 'Ci Deployer' }));
      expect(main.exitCode).toBe(1);
      expect(errorLines(main.stdout)[0]).toMatch(/names "Ci Deployer", which matches 2 roles of this organization/);
      expect(posts()).toEqual([]);
    } finally {
      delete process.env.TWIN_ROLE;
    }
  });

  test.each([
    ['assigned-roles with roles', { 'assigned-roles': 'Developer', roles: 'admin' }],
    ['assigned-roles with body.roles', { 'assigned-roles': 'Developer', body: '{"roles": ["admin"]}' }],
    ['an empty list', { 'assigned-roles': ',' }],
  ])('%s is an input error, with no request', async (_what, inputs) => {
    const { main } = await runJob(stepInputs(emulator(), { operation: 'create-key', ...inputs }));
    expect(main.exitCode).toBe(1);
    expect(errorLines(main.stdout)).toEqual([
      expect.stringMatching(/^::error::Input '(assigned-roles|body\.assignedRoleIds)' .+\. Accepted: .+/),
    ]);
    expect(apiRequests(emulator())).toEqual([]);
  });
});

describe('paginated key lists', () => {
  const old = () => new Date(Date.now() - 48 * 3_600_000).toISOString();

  test('prune-keys reads every page (3 keys a page here) and deletes every stale key', async () => {
    const stale = Array.from({ length: 8 }, (_, i) => emulator().seedKey({ name: `gha-paged-${i}`, createdAt: old() }).id);
    const step = await runStep(stepInputs(emulator(), { operation: 'prune-keys' }));
    expect(step.exitCode).toBe(0);
    expect(JSON.parse(step.outputs.deleted ?? '[]').sort()).toEqual(stale.sort());
    const pages = apiRequests(emulator()).filter((r) => r.method === 'GET');
    expect(pages.length).toBeGreaterThanOrEqual(3);
    expect(pages.slice(1).every((r) => /^cursor=/.test(r.query))).toBe(true);
  });

  test('a cursor the API gave before stops the listing with an error, and nothing is deleted', async () => {
    const page = { status: 200, requestId: randomUUID(), result: [], limit: 3, totalCount: 9, nextCursor: 'same-again' };
    emulator().addFault({ method: 'GET', times: 2, fault: { kind: 'status', status: 200, body: page } });
    const step = await runStep(stepInputs(emulator(), { operation: 'prune-keys' }));
    expect(step.exitCode).toBe(1);
    expect(errorLines(step.stdout)).toEqual([expect.stringMatching(/the same page cursor twice while listing the organization's keys/)]);
    expect(apiRequests(emulator()).filter((r) => r.method === 'DELETE')).toEqual([]);
  });
});

test('the older, unpaginated key list still works', async () => {
  const { startEmulator } = await import('../emulator/server.js');
  const older = await startEmulator({ keysUnpaginated: true });
  try {
    const stale = older.seedKey({ name: 'gha-old-server', createdAt: new Date(Date.now() - 48 * 3_600_000).toISOString() }).id;
    const step = await runStep(stepInputs(older, { operation: 'prune-keys' }));
    expect(step.exitCode).toBe(0);
    expect(JSON.parse(step.outputs.deleted ?? '[]')).toEqual([stale]);
  } finally {
    await older.close();
  }
});

describe('GCP Private Service Connect and custom private DNS names', () => {
  const gcp = (inputs: Record<string, string> = {}) =>
    stepInputs(emulator(), {
      operation: 'create-reverse-private-endpoint',
      service: emulator().serviceId,
      type: 'GCP_PSC_SERVICE_ATTACHMENT',
      description: `psc ${randomUUID()}`,
      'gcp-service-attachment': 'projects/acme-data/regions/us-central1/serviceAttachments/kafka-psc',
      ...inputs,
    });

  test('a GCP endpoint with DNS names is created, waited for, and its outputs set', async () => {
    const step = await runStep(
      gcp({ 'custom-private-dns-mappings': 'kafka.acme.internal\n*.brokers.acme.internal', 'wait-for-ready': 'true' }),
    );
    expect(step.exitCode).toBe(0);
    expect(posts()[0]?.body).toEqual(
      expect.objectContaining({
        gcpServiceAttachment: 'projects/acme-data/regions/us-central1/serviceAttachments/kafka-psc',
        customPrivateDnsMappings: [{ privateDnsName: 'kafka.acme.internal' }, { privateDnsName: '*.brokers.acme.internal' }],
      }),
    );
    expect(step.outputs).toMatchObject({
      type: 'GCP_PSC_SERVICE_ATTACHMENT',
      status: 'Ready',
      'gcp-service-attachment': 'projects/acme-data/regions/us-central1/serviceAttachments/kafka-psc',
      'custom-private-dns-mappings': JSON.stringify([
        { privateDnsName: 'kafka.acme.internal' },
        { privateDnsName: '*.brokers.acme.internal' },
      ]),
      'vpc-endpoint-service-name': '',
    });
  });

  test.each([
    [
      'gcp-service-attachment',
      { 'gcp-service-attachment': 'my-project/us-central1/kafka-psc' },
      /not of the expected form\. Accepted: projects\/<project>\/regions\/<region>\/serviceAttachments\/<name>/,
    ],
    ['gcp-service-attachment', { 'gcp-service-attachment': '' }, /is required for type GCP_PSC_SERVICE_ATTACHMENT but empty/],
    [
      'vpc-endpoint-service-name',
      { 'vpc-endpoint-service-name': 'com.amazonaws.vpce.us-east-1.vpce-svc-0123456789abcdef0' },
      /belongs to type VPC_ENDPOINT_SERVICE, not GCP_PSC_SERVICE_ATTACHMENT/,
    ],
    ['custom-private-dns-mappings', { 'custom-private-dns-mappings': 'a.example.com, A.example.com' }, /has "A\.example\.com" twice/],
    ['custom-private-dns-mappings', { 'custom-private-dns-mappings': 'db.*.example.com' }, /has "db\.\*\.example\.com", not a DNS name/],
    ['custom-private-dns-mappings', { 'custom-private-dns-mappings': 'localhost' }, /has "localhost", not a DNS name/],
  ])('bad %s %j fails naming it, with no request', async (input, inputs, message) => {
    const { main } = await runJob(gcp(inputs));
    expect(main.exitCode).toBe(1);
    expect(errorLines(main.stdout)).toEqual([expect.stringMatching(new RegExp(`^::error::Input '${input}' `))]);
    expect(errorLines(main.stdout)[0]).toMatch(message);
    expect(apiRequests(emulator())).toEqual([]);
  });

  test('custom DNS names are refused for MSK_MULTI_VPC before any request', async () => {
    const { main } = await runJob(
      stepInputs(emulator(), {
        operation: 'create-reverse-private-endpoint',
        service: emulator().serviceId,
        type: 'MSK_MULTI_VPC',
        description: 'msk',
        'msk-cluster-arn': 'arn:aws:kafka:us-east-1:123456789012:cluster/orders/5a7e3c1d-1111-2222-3333-444455556666-2',
        'msk-authentication': 'SASL_IAM',
        'custom-private-dns-mappings': 'kafka.example.com',
      }),
    );
    expect(errorLines(main.stdout)).toEqual([
      expect.stringMatching(/^::error::Input 'custom-private-dns-mappings' is not supported for type MSK_MULTI_VPC/),
    ]);
    expect(apiRequests(emulator())).toEqual([]);
  });
});
