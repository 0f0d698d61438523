import { describe, expect, test } from '@jest/globals';
import { runStep } from '../emulator/runner.js';
import { apiRequests, errorLines, stepInputs, useEmulator } from './helpers/emulator.js';

// Promises of the interface page, each run end to end as a workflow step.
const emulator = useEmulator({ readyAfterPolls: 1 });
const HOUR = 3_600_000;
const createKey = (inputs: Record<string, string>) =>
  stepInputs(emulator(), { operation: 'create-key', 'revoke-on-exit': 'false', ...inputs });
const sentBody = () => apiRequests(emulator()).find((r) => r.method === 'POST')?.body as Record<string, unknown>;

describe('create-key inputs, as sent', () => {
  test('expire-at: never is sent as null and leaves the expire-at output empty', async () => {
    const step = await runStep(createKey({ 'expire-at': 'never' }));
    expect(step.exitCode).toBe(0);
    expect(sentBody().expireAt).toBeNull();
    expect(step.outputs['expire-at']).toBe('');
  });

  test('expire-at as a timestamp and as days', async () => {
    const at = new Date(Date.now() + 30 * 24 * HOUR).toISOString().replace(/\.\d+Z$/, '+00:00');
    expect((await runStep(createKey({ 'expire-at': at }))).outputs['expire-at']).toBe(new Date(at).toISOString());
    const week = await runStep(createKey({ 'expire-at': '7d' }));
    expect(Date.parse(week.outputs['expire-at'] ?? '') - Date.now()).toBeGreaterThan(7 * 24 * HOUR - 60_000);
  });

  test('state: disabled makes a disabled key', async () => {
    const step = await runStep(createKey({ state: 'disabled' }));
    expect(step.outputs.state).toBe('disabled');
    expect(
      emulator()
        .keys()
        .find((key) => key.id === step.outputs.id)?.state,
    ).toBe('disabled');
  });

  test("ip-access-list in the API's JSON shape", async () => {
    const step = await runStep(
      createKey({ 'ip-access-list': '[{"source": "127.0.0.1", "description": "runner"}, {"source": "10.0.0.0/8"}]' }),
    );
    expect(step.exitCode).toBe(0);
    expect(sentBody().ipAccessList).toEqual([{ source: '127.0.0.1', description: 'runner' }, { source: '10.0.0.0/8' }]);
  });

  test('a YAML body (the parser the bundle loads only for it)', async () => {
    const step = await runStep(createKey({ body: 'name: yaml-key\nroles:\n  - query_endpoints\n' }));
    expect(step.exitCode).toBe(0);
    expect(sentBody()).toMatchObject({ name: 'yaml-key', roles: ['query_endpoints'] });
  });

  test('export-env with revoke-on-exit, authenticating from those variables, fails before any request', async () => {
    const env = { CLICKHOUSE_CLOUD_API_KEY: emulator().adminKey.keyId, CLICKHOUSE_CLOUD_API_SECRET: emulator().adminKey.secret };
    const step = await runStep(createKey({ 'api-key-id': '', 'api-key-secret': '', 'export-env': 'true', 'revoke-on-exit': 'true' }), {
      env,
    });
    expect(step.exitCode).toBe(1);
    expect(errorLines(step.stdout)).toEqual([
      expect.stringMatching(/^::error::Input 'export-env' is true while this step authenticates with CLICKHOUSE_CLOUD_API_KEY/),
    ]);
    expect(emulator().requests).toHaveLength(0);
  });
});

describe('API errors', () => {
  test('quote the error text, the status and the request id', async () => {
    const disabled = emulator().seedKey({ name: 'off', roles: ['admin'], state: 'disabled' });
    const step = await runStep(createKey({ 'api-key-id': disabled.keyId, 'api-key-secret': disabled.secret }));
    expect(step.exitCode).toBe(1);
    expect(errorLines(step.stdout)).toEqual([
      expect.stringMatching(
        /^::error::ClickHouse Cloud API answered HTTP 401 to POST \S+: UNAUTHORIZED: Key is not active \(request id [0-9a-f-]{36}\)$/,
      ),
    ]);
  });
});

describe('wait-for-ready', () => {
  test.each(['Rejected', 'Expired'] as const)('ends in %s: fails, keeps the endpoint and sets its outputs', async (status) => {
    emulator().settleNextReversePrivateEndpoint(status);
    const step = await runStep(
      stepInputs(emulator(), {
        operation: 'create-reverse-private-endpoint',
        service: emulator().serviceId,
        description: `ends ${status}`,
        type: 'VPC_ENDPOINT_SERVICE',
        'vpc-endpoint-service-name': 'com.amazonaws.vpce.us-east-1.vpce-svc-0123456789abcdef0',
        'wait-for-ready': 'true',
      }),
    );
    expect(step.exitCode).toBe(1);
    expect(step.outputs.status).toBe(status);
    expect(errorLines(step.stdout)).toEqual([
      expect.stringMatching(new RegExp(`^::error::The reverse private endpoint ended in status ${status} after`)),
    ]);
    expect(
      emulator()
        .reversePrivateEndpoints()
        .map((e) => e.id),
    ).toContain(step.outputs.id);
  });
});

describe('prune-keys', () => {
  test("never deletes a key that shares the authenticating key's suffix", async () => {
    const old = new Date(Date.now() - 48 * HOUR).toISOString();
    const self = emulator().seedKey({ name: 'pruner', roles: ['admin'], keyId: 'PrunerKeyId000000Zq9' });
    const twin = emulator().seedKey({ name: 'gha-twin', createdAt: old, keyId: 'OtherKeyId0000000Zq9' });
    const stale = emulator().seedKey({ name: 'gha-stale', createdAt: old });
    const step = await runStep(
      stepInputs(emulator(), { operation: 'prune-keys', 'api-key-id': self.keyId, 'api-key-secret': self.secret }),
    );
    expect(step.exitCode).toBe(0);
    expect(JSON.parse(step.outputs.deleted ?? '')).toContain(stale.id);
    expect(JSON.parse(step.outputs.deleted ?? '')).not.toContain(twin.id);
    expect(
      emulator()
        .keys()
        .map((key) => key.id),
    ).toContain(twin.id);
  });

  test('when some deletes fail, the step fails but still reports what it deleted', async () => {
    const old = new Date(Date.now() - 48 * HOUR).toISOString();
    const doomed = [0, 1, 2].map((i) => emulator().seedKey({ name: `gha-partial-${i}`, createdAt: old }).id);
    emulator().addFault({ method: 'DELETE', path: new RegExp(`${doomed[1]}$`), fault: { kind: 'status', status: 500 } });
    const step = await runStep(stepInputs(emulator(), { operation: 'prune-keys', 'name-prefix': 'gha-partial-', 'max-attempts': '1' }));
    expect(step.exitCode).toBe(1);
    expect(JSON.parse(step.outputs.deleted ?? '').sort()).toEqual([doomed[0], doomed[2]].sort());
    expect(step.outputs.count).toBe('2');
    expect(errorLines(step.stdout)).toEqual([
      expect.stringMatching(new RegExp(`^::error::Could not delete 1 of 3 stale keys: ${doomed[1]} \\(gha-partial-1\\): .*HTTP 500`)),
    ]);
  });

  test("dry-run's result holds the keys that would go", async () => {
    const old = new Date(Date.now() - 48 * HOUR).toISOString();
    const would = emulator().seedKey({ name: 'gha-dry-1', createdAt: old }).id;
    const step = await runStep(stepInputs(emulator(), { operation: 'prune-keys', 'name-prefix': 'gha-dry-', 'dry-run': 'true' }));
    expect((JSON.parse(step.outputs.result ?? '') as Array<{ id: string }>).map((key) => key.id)).toEqual([would]);
    expect(
      emulator()
        .keys()
        .map((key) => key.id),
    ).toContain(would);
  });
});
