import { afterEach, describe, expect, test } from '@jest/globals';
import type { CreateKeySettings } from '../src/inputs/create-key.js';
import { readFileSync } from 'node:fs';
import { parse } from 'yaml';
import { ALL_INPUTS, ignoredInputs, readSettings } from '../src/inputs/index.js';
import { BASE_INPUTS, setInputs } from './helpers/inputs.js';

const NOW = Date.parse('2026-11-26T12:00:00Z');
let restore = (): void => undefined;
afterEach(() => restore());

async function settingsFor(inputs: Record<string, string>, env: Record<string, string> = {}) {
  restore = setInputs({ ...BASE_INPUTS, ...inputs }, env);
  return (await readSettings(NOW)) as CreateKeySettings;
}

async function errorFor(inputs: Record<string, string>, env: Record<string, string> = {}): Promise<string> {
  try {
    await settingsFor(inputs, env);
  } catch (error) {
    return (error as Error).message;
  }
  throw new Error('expected an input error');
}

describe('organization', () => {
  const ORG = '00000000-0000-4000-8000-0000000000aa';

  test('when the input is empty, CLICKHOUSE_ORG_ID gives it (as for the vendor Terraform provider)', async () => {
    expect((await settingsFor({ organization: '' }, { CLICKHOUSE_ORG_ID: ` ${ORG} ` })).common.organizationId).toBe(ORG);
  });

  test('the input wins over CLICKHOUSE_ORG_ID', async () => {
    const settings = await settingsFor({}, { CLICKHOUSE_ORG_ID: ORG });
    expect(settings.common.organizationId).toBe(BASE_INPUTS.organization);
  });

  test('neither: the error names the input and the variable', async () => {
    expect(await errorFor({ organization: '' })).toMatch(/^Input 'organization' is required but empty, and CLICKHOUSE_ORG_ID is not set/);
  });

  test('a bad value from the variable is named like a bad input', async () => {
    expect(await errorFor({ organization: '' }, { CLICKHOUSE_ORG_ID: 'acme' })).toMatch(/^Input 'organization' is "acme", not a UUID/);
  });
});

describe('create-key settings', () => {
  test('defaults: developer role, 6h expiry, enabled, a generated name, no access list', async () => {
    const settings = await settingsFor({});
    expect(settings.request).toEqual({
      name: expect.stringMatching(/^gha-octo-org-octo-repo-1658821493-2-[a-z0-9]{8}$/),
      roles: ['developer'],
      expireAt: '2026-11-26T18:00:00.000Z',
      state: 'enabled',
    });
    expect(settings.nameIsGenerated).toBe(true);
    expect(settings).toMatchObject({ localSecret: false, revokeOnExit: true, exportEnv: false });
    expect(settings.common.apiUrl.href).toBe('https://api.clickhouse.cloud/');
    expect(settings.common).toMatchObject({ maxAttempts: 5, requestTimeoutMs: 30_000 });
  });

  test('field inputs override body keys, body keys override defaults', async () => {
    const settings = await settingsFor({
      body: 'name: from-body\nroles: [admin]\nexpireAt: null\nstate: disabled',
      state: 'enabled',
      roles: 'developer, query_endpoints',
    });
    expect(settings.request).toEqual({ name: 'from-body', roles: ['developer', 'query_endpoints'], expireAt: null, state: 'enabled' });
    expect(settings.nameIsGenerated).toBe(false);
  });

  test('a long repository name is cut, keeping run, attempt and nonce', async () => {
    const settings = await settingsFor({}, { GITHUB_REPOSITORY: `${'o'.repeat(40)}/${'r'.repeat(40)}` });
    expect(settings.request.name.length).toBeLessThanOrEqual(64);
    expect(settings.request.name).toMatch(/^gha-o+-r+-1658821493-2-[a-z0-9]{8}$/);
  });

  test('two steps never share a default name', async () => {
    expect((await settingsFor({})).request.name).not.toBe((await settingsFor({})).request.name);
  });

  test('credentials fall back to the vendor variables when both inputs are empty', async () => {
    const settings = await settingsFor(
      { 'api-key-id': '', 'api-key-secret': '' },
      { CLICKHOUSE_CLOUD_API_KEY: 'EnvKey', CLICKHOUSE_CLOUD_API_SECRET: 'EnvSecret' },
    );
    expect(settings.common.credentials).toEqual({ keyId: 'EnvKey', secret: 'EnvSecret', fromEnv: true });
  });

  test('an http API URL is fine on loopback only', async () => {
    expect((await settingsFor({ 'api-url': 'http://127.0.0.1:4010' })).common.apiUrl.host).toBe('127.0.0.1:4010');
    expect(await errorFor({ 'api-url': 'http://api.example.com' })).toMatch(
      /^Input 'api-url' is "http:\/\/api\.example\.com", which uses http:\/\/ to api\.example\.com/,
    );
  });
});

describe('every bad input names the input, the problem and what is accepted', () => {
  test.each([
    [{ operation: 'make-key' }, /^Input 'operation' is "make-key", not an operation this action knows\. Accepted: create-key, delete-key/],
    [{ organization: 'my-org' }, /^Input 'organization' is "my-org", not a UUID\. Accepted: a UUID/],
    [{ organization: '' }, /^Input 'organization' is required but empty/],
    [{ roles: 'admin, root' }, /^Input 'roles' names unknown role\(s\) "root"\. Accepted: a list of admin, developer, query_endpoints/],
    [{ roles: ' , \n' }, /^Input 'roles' is a list with no role/],
    [{ 'expire-at': 'soon' }, /^Input 'expire-at' is "soon", neither a real timestamp nor a duration/],
    [{ 'expire-at': '2001-01-01T00:00:00Z' }, /^Input 'expire-at' .* not in the future/],
    [{ state: 'paused' }, /^Input 'state' is "paused"\. Accepted: enabled or disabled/],
    [{ 'ip-access-list': '10.0.0.300' }, /^Input 'ip-access-list' has "10\.0\.0\.300", which is not an IPv4 address/],
    [{ 'api-url': 'not a url' }, /^Input 'api-url' is "not a url", not a URL/],
    [
      { 'api-url': 'https://ci:hunter2@api.clickhouse.cloud' },
      /^Input 'api-url' is a URL that carries credentials \(not shown\)\. Accepted: /,
    ],
    [
      { 'api-url': 'ci:hunter2@api.clickhouse.cloud' },
      /^Input 'api-url' is a value with "@" \(not shown: it may carry credentials\), which uses ci:\/\//,
    ],
    [{ 'api-url': 'ftp://127.0.0.1' }, /^Input 'api-url' is "ftp:\/\/127\.0\.0\.1", which uses ftp:/],
    [{ body: '[1, 2]' }, /^Input 'body' is not an object/],
    [{ body: '{"name": "x",' }, /^Input 'body' is neither JSON nor YAML/],
    [
      { body: '{"name": "x", "expiresAt": "2030-01-01T00:00:00Z"}' },
      /^Input 'body' does not fit the API: body\.expiresAt is not a field of this request/,
    ],
    [{ body: 'roles: []' }, /^Input 'body\.roles' is a list with no role/],
    [{ body: 'hashData: {keyIdHash: a, keyIdSuffix: b, keySecretHash: c}' }, /^Input 'body' sets hashData/],
    [{ body: 'ipAccessList: []' }, /^Input 'body\.ipAccessList' has no entry/],
    [{ 'api-key-id': '' }, /^Input 'api-key-id' is empty\. Accepted: the ClickHouse Cloud API key ID/],
    [{ 'api-key-secret': '' }, /^Input 'api-key-secret' is empty/],
    [{ 'max-attempts': '0' }, /^Input 'max-attempts' is "0"\. Accepted: a whole number from 1/],
    [{ 'request-timeout': 'forever' }, /^Input 'request-timeout' is "forever", not a positive duration/],
    [{ 'local-secret': 'yes' }, /^Input 'local-secret' is "yes", not a boolean\. Accepted: true or false/],
  ])('%j', async (inputs, message) => expect(await errorFor(inputs)).toMatch(message));

  test('export-env with revoke-on-exit when authenticating from those very variables', async () => {
    const env = { CLICKHOUSE_CLOUD_API_KEY: 'EnvKey', CLICKHOUSE_CLOUD_API_SECRET: 'EnvSecret' };
    expect(await errorFor({ 'api-key-id': '', 'api-key-secret': '', 'export-env': 'true' }, env)).toMatch(
      /^Input 'export-env' is true while this step authenticates with CLICKHOUSE_CLOUD_API_KEY/,
    );
  });

  test('the secret never appears in an error', async () => {
    expect(await errorFor({ 'api-key-id': '' })).not.toContain(BASE_INPUTS['api-key-secret']);
  });
});

describe('inputs an operation does not read', () => {
  test('the operations between them read exactly the inputs action.yml declares', async () => {
    const action = parse(readFileSync(new URL('../action.yml', import.meta.url), 'utf8')) as { inputs: object };
    expect([...ALL_INPUTS].sort()).toEqual(Object.keys(action.inputs).sort());
  });

  test('are named, so the step can warn about them', async () => {
    restore = setInputs({ ...BASE_INPUTS, key: '0b8c7c1e-1111-4222-8333-444455556666', roles: 'admin', 'dry-run': 'true' });
    expect(ignoredInputs('create-key')).toEqual(['key', 'dry-run']);
    expect(ignoredInputs('delete-key')).toEqual(['roles', 'dry-run']);
  });
});
