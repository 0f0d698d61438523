import { describe, expect, test } from '@jest/globals';
import { runStep } from '../emulator/runner.js';
import { apiRequests, errorLines, stepInputs, useEmulator } from './helpers/emulator.js';

const emulator = useEmulator();
const HOUR = 3_600_000;
const ago = (ms: number) => new Date(Date.now() - ms).toISOString();
const keyIds = () =>
  emulator()
    .keys()
    .map((key) => key.id);

describe('the post step', () => {
  test('a key already deleted is a warning, not a failure', async () => {
    const inputs = stepInputs(emulator(), { operation: 'create-key' });
    const main = await runStep(inputs);
    await runStep(stepInputs(emulator(), { operation: 'delete-key', key: main.outputs.id ?? '' }));
    const post = await runStep(inputs, { state: main.state });
    expect(post.exitCode).toBe(0);
    expect(post.stdout).toContain(`::warning::API key ${main.outputs.id} was already gone; nothing to revoke.`);
  });

  test('retries a transient fault and still revokes', async () => {
    const inputs = stepInputs(emulator(), { operation: 'create-key' });
    const main = await runStep(inputs);
    emulator().addFault({ method: 'DELETE', fault: { kind: 'status', status: 503 } });
    const post = await runStep(inputs, { state: main.state });
    expect(post.exitCode).toBe(0);
    expect(
      apiRequests(emulator())
        .filter((r) => r.method === 'DELETE')
        .map((r) => r.status),
    ).toEqual([503, 200]);
    expect(keyIds()).not.toContain(main.outputs.id);
  });

  test('a key it could not revoke fails the job and says which key to delete by hand', async () => {
    const inputs = stepInputs(emulator(), { operation: 'create-key', 'max-attempts': '2' });
    const main = await runStep(inputs);
    emulator().addFault({ method: 'DELETE', times: 2, fault: { kind: 'status', status: 500 } });
    const post = await runStep(inputs, { state: main.state });
    expect(post.exitCode).toBe(1);
    expect(errorLines(post.stdout)).toEqual([
      expect.stringMatching(
        new RegExp(
          `^::error::The post step could not finish what the main step began: Could not revoke API key ${main.outputs.id} \\("${main.outputs.name}"\\): .*HTTP 500.* after 2 attempts.*Delete it by hand .*key: ${main.outputs.id}\\.$`,
        ),
      ),
    ]);
    expect(keyIds()).toContain(main.outputs.id);
  });

  test('refuses to revoke in another organization than the main step used: its 404 would pass for "already gone"', async () => {
    const inputs = stepInputs(emulator(), { operation: 'create-key', organization: '' });
    const main = await runStep(inputs, { env: { CLICKHOUSE_ORG_ID: emulator().organizationId } });
    expect(main.exitCode).toBe(0);
    const other = '0b7c1a52-3a0e-4d4e-9c1e-5f0f2d6a8b11';
    const post = await runStep(inputs, { state: main.state, env: { CLICKHOUSE_ORG_ID: other } });
    expect(post.exitCode).toBe(1);
    expect(errorLines(post.stdout)).toEqual([
      expect.stringMatching(
        new RegExp(
          `^::error::The post step could not finish what the main step began: the organization now in effect \\(${other}\\) is not the one the main step worked in .*Left as it is: API key ${main.outputs.id}: delete it `,
        ),
      ),
    ]);
    expect(apiRequests(emulator()).filter((r) => r.method === 'DELETE')).toEqual([]);
    expect(keyIds()).toContain(main.outputs.id);
  });

  test('a post step without credentials names the key it leaves', async () => {
    const inputs = stepInputs(emulator(), { operation: 'create-key' });
    const main = await runStep(inputs);
    expect(main.exitCode).toBe(0);
    const post = await runStep({ ...inputs, 'api-key-id': '', 'api-key-secret': '' }, { state: main.state });
    expect(post.exitCode).toBe(1);
    expect(errorLines(post.stdout)).toEqual([
      expect.stringMatching(
        new RegExp(`^::error::The post step could not finish .*'api-key-id'.*Left as it is: API key ${main.outputs.id}: delete it `),
      ),
    ]);
    expect(keyIds()).toContain(main.outputs.id);
  });

  test('refuses to revoke with credentials other than the main step used', async () => {
    const inputs = stepInputs(emulator(), { operation: 'create-key', 'api-key-id': '', 'api-key-secret': '' });
    const admin = { CLICKHOUSE_CLOUD_API_KEY: emulator().adminKey.keyId, CLICKHOUSE_CLOUD_API_SECRET: emulator().adminKey.secret };
    const main = await runStep(inputs, { env: admin });
    expect(main.exitCode).toBe(0);
    const other = emulator().seedKey({ name: 'other-admin', roles: ['admin'] });
    const post = await runStep(inputs, {
      state: main.state,
      env: { CLICKHOUSE_CLOUD_API_KEY: other.keyId, CLICKHOUSE_CLOUD_API_SECRET: other.secret },
    });
    expect(post.exitCode).toBe(1);
    expect(post.stdout).toMatch(
      /::error::The post step could not finish what the main step began: the credentials now in effect are not the key the main step authenticated with .*Left as it is: API key [0-9a-f-]{36}: delete it .*delete-key, key: [0-9a-f-]{36}\./,
    );
  });
});

describe('export-env', () => {
  test('exports the key for later steps, masked, and a later step of the action authenticates with it', async () => {
    const main = await runStep(
      stepInputs(emulator(), { operation: 'create-key', roles: 'admin', 'export-env': 'true', 'revoke-on-exit': 'false' }),
    );
    expect(main.exitCode).toBe(0);
    const { 'key-id': keyId, 'key-secret': secret } = main.outputs;
    expect(main.exportedEnv).toEqual({ CLICKHOUSE_CLOUD_API_KEY: keyId, CLICKHOUSE_CLOUD_API_SECRET: secret });
    expect(main.stdout).toContain(`::add-mask::${secret}`);

    emulator().clearRequests();
    const later = await runStep(
      stepInputs(emulator(), { operation: 'prune-keys', 'dry-run': 'true', 'api-key-id': '', 'api-key-secret': '' }),
      { env: main.exportedEnv },
    );
    expect(later.exitCode).toBe(0);
    expect(apiRequests(emulator()).map((r) => r.keyId)).toEqual([keyId]);
  });
});

describe('delete-key', () => {
  test('deletes a present key', async () => {
    const key = emulator().seedKey({ name: 'to-delete' });
    const step = await runStep(stepInputs(emulator(), { operation: 'delete-key', key: key.id }));
    expect(step.exitCode).toBe(0);
    expect(step.outputs).toMatchObject({ 'http-status': '200', result: '' });
    expect(step.outputs['request-id']).toMatch(/^[0-9a-f-]{36}$/);
    expect(keyIds()).not.toContain(key.id);
  });

  test('a missing key succeeds with a warning', async () => {
    const step = await runStep(stepInputs(emulator(), { operation: 'delete-key', key: '0b8c7c1e-1111-4222-8333-444455556666' }));
    expect(step.exitCode).toBe(0);
    expect(step.stdout).toContain('::warning::API key 0b8c7c1e-1111-4222-8333-444455556666 was already gone; nothing to delete.');
    expect(step.outputs['http-status']).toBe('404');
  });

  test('a 400 for a key that is not there (as the document allows) is a warning too', async () => {
    const missing = '0b8c7c1e-1111-4222-8333-444455556667';
    emulator().addFault({
      method: 'DELETE',
      fault: { kind: 'status', status: 400, body: { status: 400, error: 'BAD_REQUEST: key not found' } },
    });
    const step = await runStep(stepInputs(emulator(), { operation: 'delete-key', key: missing }));
    expect(step.exitCode).toBe(0);
    expect(step.stdout).toContain(`::warning::API key ${missing} was already gone; nothing to delete.`);
    expect(apiRequests(emulator()).map((r) => `${r.method} ${r.status}`)).toEqual(['DELETE 400', 'GET 200']);
  });

  test('a 400 for a key that is there fails, quoting the API', async () => {
    const key = emulator().seedKey({ name: 'stubborn' });
    emulator().addFault({ method: 'DELETE', fault: { kind: 'status', status: 400, body: { status: 400, error: 'BAD_REQUEST: no' } } });
    const step = await runStep(stepInputs(emulator(), { operation: 'delete-key', key: key.id }));
    expect(step.exitCode).toBe(1);
    expect(errorLines(step.stdout)).toEqual([
      expect.stringMatching(/^::error::ClickHouse Cloud API answered HTTP 400 to DELETE \S+: BAD_REQUEST: no$/),
    ]);
    expect(keyIds()).toContain(key.id);
  });

  test('a key that is not a UUID fails before any request', async () => {
    const step = await runStep(stepInputs(emulator(), { operation: 'delete-key', key: 'gha-some-name' }));
    expect(step.exitCode).toBe(1);
    expect(errorLines(step.stdout)).toEqual([expect.stringMatching(/^::error::Input 'key' is "gha-some-name", not a UUID/)]);
    expect(emulator().requests).toHaveLength(0);
  });
});

describe('prune-keys', () => {
  function seedMix(prefix: string) {
    const seed = (name: string, createdAt: string, expireAt: string | null) => emulator().seedKey({ name, createdAt, expireAt }).id;
    return {
      oldLive: seed(`${prefix}old`, ago(48 * HOUR), null),
      newExpired: seed(`${prefix}expired`, ago(2 * HOUR), ago(HOUR)),
      newLive: seed(`${prefix}new`, ago(HOUR), new Date(Date.now() + HOUR).toISOString()),
      otherPrefixOld: seed(`keep-${prefix}old`, ago(72 * HOUR), ago(HOUR)),
      // The key the step authenticates with: old and matching, yet never deleted.
      self: emulator().seedKey({ name: `${prefix}self`, roles: ['admin'], createdAt: ago(96 * HOUR) }),
    };
  }

  test('deletes exactly the stale keys with the prefix, never the authenticating one', async () => {
    const keys = seedMix('prune-a-');
    const step = await runStep(
      stepInputs(emulator(), {
        operation: 'prune-keys',
        'name-prefix': 'prune-a-',
        'api-key-id': keys.self.keyId,
        'api-key-secret': keys.self.secret,
      }),
    );
    expect(step.exitCode).toBe(0);
    expect(JSON.parse(step.outputs.deleted ?? '').sort()).toEqual([keys.oldLive, keys.newExpired].sort());
    expect(step.outputs.count).toBe('2');
    expect((JSON.parse(step.outputs.result ?? '') as Array<{ id: string }>).map((k) => k.id).sort()).toEqual(
      [keys.oldLive, keys.newExpired].sort(),
    );
    expect(keyIds()).toEqual(expect.arrayContaining([keys.newLive, keys.otherPrefixOld, keys.self.id]));
    expect(keyIds()).not.toEqual(expect.arrayContaining([keys.oldLive]));
    expect(keyIds()).not.toEqual(expect.arrayContaining([keys.newExpired]));
    expect(step.summary).toContain(`<td>${keys.oldLive}</td>`);
  });

  test('older-than widens the sweep', async () => {
    const keys = seedMix('prune-b-');
    const step = await runStep(
      stepInputs(emulator(), {
        operation: 'prune-keys',
        'name-prefix': 'prune-b-',
        'older-than': '30m',
        'api-key-id': keys.self.keyId,
        'api-key-secret': keys.self.secret,
      }),
    );
    expect(JSON.parse(step.outputs.deleted ?? '').sort()).toEqual([keys.oldLive, keys.newExpired, keys.newLive].sort());
  });

  test('dry-run reports what would go and deletes nothing', async () => {
    const keys = seedMix('prune-c-');
    const before = keyIds().length;
    const step = await runStep(
      stepInputs(emulator(), {
        operation: 'prune-keys',
        'name-prefix': 'prune-c-',
        'dry-run': 'true',
        'api-key-id': keys.self.keyId,
        'api-key-secret': keys.self.secret,
      }),
    );
    expect(step.exitCode).toBe(0);
    expect(JSON.parse(step.outputs.deleted ?? '').sort()).toEqual([keys.oldLive, keys.newExpired].sort());
    expect(keyIds()).toHaveLength(before);
    expect(apiRequests(emulator()).map((r) => r.method)).toEqual(['GET']);
  });

  test('a bad older-than fails before any request', async () => {
    const step = await runStep(stepInputs(emulator(), { operation: 'prune-keys', 'older-than': 'a while' }));
    expect(step.exitCode).toBe(1);
    expect(errorLines(step.stdout)).toEqual([expect.stringMatching(/^::error::Input 'older-than' is "a while", not a positive duration/)]);
    expect(emulator().requests).toHaveLength(0);
  });
});
