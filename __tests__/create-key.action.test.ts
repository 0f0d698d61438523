import { describe, expect, test } from '@jest/globals';
import { createHash } from 'node:crypto';
import { runJob, runStep } from '../emulator/runner.js';
import { apiRequests, errorLines, stepInputs, useEmulator } from './helpers/emulator.js';

const emulator = useEmulator();
const createKey = (inputs: Record<string, string> = {}) => stepInputs(emulator(), { operation: 'create-key', ...inputs });

describe('create-key, run as a workflow step', () => {
  test('creates the key, sets every output, and the post step revokes it', async () => {
    const before = emulator().keys().length;
    const inputs = createKey({ roles: 'developer\nquery_endpoints', 'ip-access-list': '127.0.0.1 runner', 'expire-at': '2h' });
    const main = await runStep(inputs);
    expect(main.exitCode).toBe(0);
    const created = emulator().requests.find((r) => r.method === 'POST');
    expect(created?.body).toEqual({
      name: expect.stringMatching(/^gha-octo-org-octo-repo-1658821493-1-[a-z0-9]{8}$/),
      roles: ['developer', 'query_endpoints'],
      expireAt: expect.any(String),
      state: 'enabled',
      ipAccessList: [{ source: '127.0.0.1', description: 'runner' }],
    });
    const o = main.outputs;
    expect(Object.keys(o).sort()).toEqual(
      [
        'assigned-roles',
        'created-at',
        'expire-at',
        'http-status',
        'id',
        'key-id',
        'key-secret',
        'key-suffix',
        'name',
        'request-id',
        'result',
        'roles',
        'state',
      ].sort(),
    );
    expect(o).toMatchObject({
      state: 'enabled',
      roles: '["developer","query_endpoints"]',
      'http-status': '200',
      'key-suffix': o['key-id']?.slice(-4),
    });
    expect(Date.parse(o['expire-at'] ?? '') - Date.parse(o['created-at'] ?? '')).toBeGreaterThan(7_100_000);
    const result = JSON.parse(o.result ?? '') as { keySecret: string; key: { id: string } };
    expect(result.keySecret).toBe('***');
    expect(result.key.id).toBe(o.id);
    expect(
      emulator()
        .keys()
        .map((k) => k.id),
    ).toContain(o.id);
    // The new key works.
    const auth = Buffer.from(`${o['key-id']}:${o['key-secret']}`).toString('base64');
    const me = await fetch(`${emulator().url}/v1/organizations/${emulator().organizationId}`, {
      headers: { Authorization: `Basic ${auth}` },
    });
    expect(me.status).toBe(200);

    const post = await runStep(inputs, { state: main.state });
    expect(post.exitCode).toBe(0);
    expect(post.stdout).toContain(`Revoked API key ${o.id}.`);
    expect(
      emulator()
        .keys()
        .map((k) => k.id),
    ).not.toContain(o.id);
    expect(emulator().keys()).toHaveLength(before);
  });

  test('the job summary shows the key, never its secret', async () => {
    const { main } = await runJob(createKey({ name: 'summary-key' }));
    expect(main.summary).toContain('<td>summary-key</td>');
    expect(main.summary).toContain(`<td>${main.outputs.id}</td>`);
    expect(main.summary).toContain(`<td>${main.outputs['request-id']}</td>`);
    expect(main.summary).not.toContain(main.outputs['key-secret']);
  });

  test('body fields reach the API, overridden by field inputs', async () => {
    const { main } = await runJob(createKey({ body: '{"name": "from-body", "state": "disabled", "expireAt": null}', state: 'enabled' }));
    expect(main.exitCode).toBe(0);
    expect(apiRequests(emulator())[0]?.body).toEqual({ name: 'from-body', roles: ['developer'], expireAt: null, state: 'enabled' });
    expect(main.outputs['expire-at']).toBe('');
  });

  test('revoke-on-exit: false leaves the key and the post step sends nothing', async () => {
    const { main, post } = await runJob(createKey({ 'revoke-on-exit': 'false' }));
    expect(main.exitCode).toBe(0);
    expect(post.exitCode).toBe(0);
    expect(
      emulator()
        .keys()
        .map((k) => k.id),
    ).toContain(main.outputs.id);
    expect(apiRequests(emulator()).map((r) => r.method)).toEqual(['POST']);
  });

  test('local-secret sends only hashes; the outputs hold a key that authenticates', async () => {
    const { main } = await runJob(createKey({ 'local-secret': 'true', 'revoke-on-exit': 'false' }));
    expect(main.exitCode).toBe(0);
    const sent = apiRequests(emulator())[0];
    const { 'key-id': keyId = '', 'key-secret': secret = '' } = main.outputs;
    expect(keyId).toMatch(/^[A-Za-z0-9]{20}$/);
    expect(secret).toMatch(/^4b1d[A-Za-z0-9]{38}$/);
    expect(sent?.rawBody).not.toContain(secret);
    expect(sent?.rawBody).not.toContain(keyId);
    const sha = (text: string) => createHash('sha256').update(text).digest('base64');
    expect((sent?.body as { hashData: unknown }).hashData).toEqual({
      keyIdHash: sha(keyId),
      keyIdSuffix: keyId.slice(-4),
      keySecretHash: sha(secret),
    });
    const auth = Buffer.from(`${keyId}:${secret}`).toString('base64');
    const me = await fetch(`${emulator().url}/v1/organizations/${emulator().organizationId}`, {
      headers: { Authorization: `Basic ${auth}` },
    });
    expect(me.status).toBe(200);
  });

  test('an API error fails the step quoting the error text, status and request id', async () => {
    const step = await runStep(createKey({ organization: '00000000-0000-4000-8000-000000000000' }));
    expect(step.exitCode).toBe(1);
    expect(errorLines(step.stdout)).toEqual([
      expect.stringMatching(
        /^::error::ClickHouse Cloud API answered HTTP 404 to POST \/v1\/organizations\/00000000-0000-4000-8000-000000000000\/keys: NOT_FOUND: /,
      ),
    ]);
    expect(step.state['revoke-key']).toBeUndefined();
  });

  test('a wrong secret is a 401, reported without the secret', async () => {
    const step = await runStep(createKey({ 'api-key-secret': 'not-the-secret-at-all' }));
    expect(step.exitCode).toBe(1);
    expect(errorLines(step.stdout)).toEqual([
      '::error::ClickHouse Cloud API answered HTTP 401 to POST /v1/organizations/' +
        emulator().organizationId +
        '/keys: UNAUTHORIZED: Key is not found',
    ]);
    expect(step.stdout.replace(/::add-mask::.*/g, '')).not.toContain('not-the-secret-at-all');
  });

  test('an input the operation does not read is a warning, not silently dropped', async () => {
    const step = await runStep(createKey({ 'revoke-on-exit': 'false', key: '0b8c7c1e-1111-4222-8333-444455556666' }));
    expect(step.exitCode).toBe(0);
    expect(step.stdout).toContain("::warning::Input 'key' is not used by create-key; it is ignored.");
  });

  test('the post step of a failed main step sends nothing', async () => {
    const { main, post } = await runJob(createKey({ roles: 'root' }));
    expect(main.exitCode).toBe(1);
    expect(post.exitCode).toBe(0);
    expect(apiRequests(emulator())).toHaveLength(0);
  });
});
