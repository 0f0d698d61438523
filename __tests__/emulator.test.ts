import { createHash, randomUUID } from 'node:crypto';
import { afterEach, describe, expect, test } from '@jest/globals';
import { loadOpenApi } from '../emulator/openapi.js';
import { startEmulator, type Emulator, type EmulatorOptions } from '../emulator/server.js';
import { sleep, until } from './helpers/signals.js';

const UUID_V4 = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;
const KEY_NOT_FOUND = '{"error":"UNAUTHORIZED: Key is not found","status":401}';
const KEY_NOT_ACTIVE = /^\{"requestId":"[0-9a-f-]{36}","error":"UNAUTHORIZED: Key is not active","status":401\}$/;
const IP_NOT_ALLOWED = '{"error":"UNAUTHORIZED: IP address is not allowed","status":401}';

interface Credentials {
  keyId: string;
  secret: string;
}

interface Reply {
  status: number;
  headers: Headers;
  text: string;
  // Assertions read arbitrary JSON; typing every shape would only restate the document.
  json: any;
}

interface CallOptions {
  auth?: Credentials | null;
  body?: unknown;
  raw?: string;
  contentType?: string;
  signal?: AbortSignal;
}

const running: Emulator[] = [];
afterEach(async () => {
  await Promise.all(running.splice(0).map((emulator) => emulator.close()));
});

async function start(options?: EmulatorOptions): Promise<Emulator> {
  const emulator = await startEmulator(options);
  running.push(emulator);
  return emulator;
}

const orgPath = (e: Emulator) => `/v1/organizations/${e.organizationId}`;
const servicePath = (e: Emulator) => `${orgPath(e)}/services/${e.serviceId}`;
const rpePath = (e: Emulator) => `${servicePath(e)}/clickpipesReversePrivateEndpoints`;
const sha256Base64 = (value: string) => createHash('sha256').update(value).digest('base64');
const inOneHour = () => new Date(Date.now() + 3_600_000).toISOString();

async function call(e: Emulator, method: string, path: string, options: CallOptions = {}): Promise<Reply> {
  const auth = options.auth === undefined ? e.adminKey : options.auth;
  const headers: Record<string, string> = {};
  if (auth) headers.authorization = `Basic ${Buffer.from(`${auth.keyId}:${auth.secret}`).toString('base64')}`;
  const raw = options.raw ?? (options.body === undefined ? undefined : JSON.stringify(options.body));
  if (raw !== undefined) headers['content-type'] = options.contentType ?? 'application/json';
  const response = await fetch(`${e.url}${path}`, {
    method,
    headers,
    ...(raw === undefined ? {} : { body: raw }),
    ...(options.signal ? { signal: options.signal } : {}),
  });
  const text = await response.text();
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    json = undefined;
  }
  return { status: response.status, headers: response.headers, text, json };
}

async function createKey(e: Emulator, body: Record<string, unknown>, auth?: Credentials): Promise<Reply> {
  return call(e, 'POST', `${orgPath(e)}/keys`, { body, ...(auth ? { auth } : {}) });
}

describe('recorded requests', () => {
  test('name the key that authenticated, never its credentials: a failing test prints them', async () => {
    const e = await start();
    expect((await call(e, 'GET', `${orgPath(e)}/keys`)).status).toBe(200);
    const [request] = e.requests;
    expect(request).toMatchObject({ keyId: e.adminKey.keyId, headers: { authorization: 'Basic ***' } });
    expect(JSON.stringify(e.requests)).not.toContain(Buffer.from(`${e.adminKey.keyId}:${e.adminKey.secret}`).toString('base64'));
  });
});

describe('API keys', () => {
  test('a created key authenticates, and is marked used only once it has been', async () => {
    const e = await start();
    const created = await createKey(e, { name: 'ci', roles: ['developer'], expireAt: inOneHour() });
    expect(created.status).toBe(200);
    expect(created.headers.get('content-type')).toBe('application/json');
    expect(created.json.status).toBe(200);
    expect(created.json.requestId).toMatch(UUID_V4);
    const { key, keyId, keySecret } = created.json.result;
    expect(keyId).toMatch(/^[A-Za-z0-9]{20}$/);
    expect(keySecret).toMatch(/^4b1d[A-Za-z0-9]{38}$/);
    expect(key).toEqual({
      id: expect.stringMatching(UUID_V4),
      name: 'ci',
      state: 'enabled',
      roles: ['developer'],
      assignedRoles: [],
      keySuffix: keyId.slice(-4),
      createdAt: expect.any(String),
      expireAt: expect.any(String),
      ipAccessList: [{ source: '0.0.0.0/0', description: 'Anywhere' }],
    });

    const read = await call(e, 'GET', servicePath(e), { auth: { keyId, secret: keySecret } });
    expect(read.status).toBe(200);
    expect(e.requests.at(-1)?.keyId).toBe(keyId);
    expect(e.keys().find((k) => k.id === key.id)?.usedAt).toEqual(expect.any(String));
    expect((await call(e, 'GET', servicePath(e), { auth: { keyId, secret: `${keySecret}x` } })).text).toBe(KEY_NOT_FOUND);
  });

  test.each([
    [{ name: 'a', roles: ['admin'], nmae: 'typo' }, "unknown field 'nmae'"],
    [
      { roles: ['admin'], hashData: { keyIdHash: sha256Base64('a'), keyIdSuffix: 'abcd', keySecretHash: sha256Base64('b'), salt: 'x' } },
      "unknown field 'hashData.salt'",
    ],
    [{ roles: ['admin'], ipAccessList: [{ source: '10.0.0.1', descripton: 'x' }] }, "unknown field 'ipAccessList[0].descripton'"],
  ])('an unknown field is a 400 naming it, and creates nothing: %j', async (body, message) => {
    const e = await start();
    const reply = await createKey(e, body);
    expect(reply.status).toBe(400);
    expect(reply.json).toEqual({ status: 400, error: expect.stringMatching(/^BAD_REQUEST: /), requestId: expect.any(String) });
    expect(reply.json.error).toContain(message);
    expect(e.keys()).toHaveLength(1);
  });

  test.each([
    [{ roles: ['superuser'] }, "'roles[0]' must be one of"],
    [{ roles: ['admin'], state: 'on' }, "'state' must be one of"],
    [{ roles: 'admin' }, "'roles' must be array"],
    [{ roles: ['admin'], name: 5 }, "'name' must be string"],
    [{ roles: ['admin'], expireAt: '2030-01-01 00:00:00Z' }, "'expireAt' must be a valid date-time"],
    [{ roles: ['admin'], expireAt: '2030-02-30T00:00:00Z' }, "'expireAt' must be a valid date-time"],
    [{ roles: ['admin'], expireAt: '2020-01-01T00:00:00Z' }, "'expireAt' must be in the future"],
    [{ roles: [] }, "'assignedRoleIds' (or the deprecated 'roles') must contain at least 1 element"],
    [{ name: 'no roles' }, "'assignedRoleIds' (or the deprecated 'roles') must contain at least 1 element"],
    [
      { roles: ['developer'], assignedRoleIds: ['5e1f0a1e-0000-4000-8000-000000000002'] },
      "either 'roles' (deprecated) or 'assignedRoleIds', not both",
    ],
    [
      { assignedRoleIds: ['0b5e55ed-0000-4000-8000-000000000000'] },
      'names roles this organization does not have: 0b5e55ed-0000-4000-8000-000000000000',
    ],
    [{ roles: ['admin'], ipAccessList: [{ source: '10.0.0.0/33' }] }, "'ipAccessList[0].source' must be an IPv4"],
    [{ roles: ['admin'], ipAccessList: [{ description: 'office' }] }, "'ipAccessList[0].source' is required"],
    [{ roles: ['admin'], hashData: { keyIdHash: sha256Base64('a'), keyIdSuffix: 'abcd' } }, "'hashData.keySecretHash' is required"],
    [
      { roles: ['admin'], hashData: { keyIdHash: sha256Base64('a'), keyIdSuffix: 'abcde', keySecretHash: sha256Base64('b') } },
      "'hashData.keyIdSuffix' must be exactly 4 characters",
    ],
    [
      {
        roles: ['admin'],
        hashData: { keyIdHash: createHash('sha256').update('a').digest('hex'), keyIdSuffix: 'abcd', keySecretHash: sha256Base64('b') },
      },
      "'hashData.keyIdHash' must be the padded base64 of a 32-byte SHA-256 digest",
    ],
  ])('an invalid key request is a 400 naming the field: %j', async (body, message) => {
    const e = await start();
    const reply = await createKey(e, body);
    expect(reply.status).toBe(400);
    expect(reply.json.error).toMatch(/^BAD_REQUEST: /);
    expect(reply.json.error).toContain(message);
    expect(e.keys()).toHaveLength(1);
  });

  test.each([
    ['not json', 'application/json', 'not valid JSON'],
    ['["admin"]', 'application/json', 'must be a JSON object'],
    ['null', 'application/json', 'must be a JSON object'],
    ['', 'application/json', 'not valid JSON'],
    ['{"roles":["admin"]}', 'text/plain', 'Content-Type must be application/json'],
  ])('a body %j sent as %s is a 400', async (raw, contentType, message) => {
    const e = await start();
    const reply = await call(e, 'POST', `${orgPath(e)}/keys`, { raw, contentType });
    expect(reply.status).toBe(400);
    expect(reply.json.error).toContain(message);
    expect(e.keys()).toHaveLength(1);
  });

  test('a key made from hashData authenticates with the keyId and secret it was hashed from', async () => {
    const e = await start();
    const keyId = 'LocalKeyId0123456789';
    const secret = '4b1dLocallyGeneratedSecretThatNeverTravels';
    const reply = await createKey(e, {
      name: 'local',
      roles: ['developer'],
      hashData: { keyIdHash: sha256Base64(keyId), keyIdSuffix: keyId.slice(-4), keySecretHash: sha256Base64(secret) },
    });
    expect(reply.status).toBe(200);
    expect(Object.keys(reply.json.result)).toEqual(['key']);
    expect(reply.json.result.key.keySuffix).toBe('6789');
    expect((await call(e, 'GET', orgPath(e), { auth: { keyId, secret } })).status).toBe(200);
    expect((await call(e, 'GET', orgPath(e), { auth: { keyId, secret: sha256Base64(secret) } })).text).toBe(KEY_NOT_FOUND);

    const sameKeyId = await createKey(e, {
      roles: ['developer'],
      hashData: { keyIdHash: sha256Base64(keyId), keyIdSuffix: '6789', keySecretHash: sha256Base64('another secret') },
    });
    expect(sameKeyId.status).toBe(400);
    expect(sameKeyId.json.error).toMatch(/^BAD_REQUEST: .*already exists/);
    expect(e.keys()).toHaveLength(2);
  });

  test('seeded IDs and admin credentials are the ones used', async () => {
    const seed = {
      organizationId: randomUUID(),
      serviceId: randomUUID(),
      adminKeyId: 'SeededAdminKeyId0001',
      adminKeySecret: '4b1dSeededAdminSecret',
    };
    const e = await start({ seed });
    expect([e.organizationId, e.serviceId, e.adminKey.keyId, e.adminKey.secret]).toEqual(Object.values(seed));
    const reply = await call(e, 'GET', `/v1/organizations/${seed.organizationId}/services/${seed.serviceId}`, {
      auth: { keyId: seed.adminKeyId, secret: seed.adminKeySecret },
    });
    expect(reply.status).toBe(200);
    expect(e.keys()).toEqual([expect.objectContaining({ id: e.adminKey.id, roles: ['admin'], keySuffix: '0001' })]);
    await expect(startEmulator({ seed: { organizationId: 'org-1' } })).rejects.toThrow(/not a UUID/);
  });

  test('only an admin key manages keys; a developer key reads but does not write', async () => {
    const e = await start();
    const developer = e.seedKey({ name: 'dev', roles: ['developer'] });
    const someKey = e.keys()[0]?.id as string;
    for (const [method, path, body] of [
      ['POST', `${orgPath(e)}/keys`, { roles: ['developer'] }],
      ['GET', `${orgPath(e)}/keys`, undefined],
      ['GET', `${orgPath(e)}/keys/${someKey}`, undefined],
      ['DELETE', `${orgPath(e)}/keys/${someKey}`, undefined],
      ['POST', `${servicePath(e)}/privateEndpoint`, { id: 'vpce-0123456789abcdef0' }],
      ['POST', rpePath(e), { description: 'x', type: 'VPC_ENDPOINT_SERVICE', vpcEndpointServiceName: 'svc' }],
    ] as const) {
      const reply = await call(e, method, path, { auth: developer, body });
      expect([method, path, reply.status]).toEqual([method, path, 403]);
      expect(reply.json).toEqual({ status: 403, error: expect.stringMatching(/^FORBIDDEN: /), requestId: expect.any(String) });
    }
    expect((await call(e, 'GET', orgPath(e), { auth: developer })).status).toBe(200);
    expect((await call(e, 'GET', rpePath(e), { auth: developer })).status).toBe(200);
    const queryOnly = e.seedKey({ name: 'q', roles: ['query_endpoints'] });
    expect((await call(e, 'GET', orgPath(e), { auth: queryOnly })).status).toBe(403);
    expect(e.keys()).toHaveLength(3);
  });

  test('a key cannot delete itself; another key can delete it, once', async () => {
    const e = await start();
    const self = await call(e, 'DELETE', `${orgPath(e)}/keys/${e.adminKey.id}`);
    expect(self.status).toBe(400);
    expect(self.json).toEqual({
      status: 400,
      error: 'BAD_REQUEST: Only a key not used to authenticate the active request can be deleted',
      requestId: expect.stringMatching(UUID_V4),
    });
    const other = e.seedKey({ name: 'other', roles: ['admin'] });
    const deleted = await call(e, 'DELETE', `${orgPath(e)}/keys/${e.adminKey.id}`, { auth: other });
    expect(deleted.status).toBe(200);
    expect(deleted.json).toEqual({ status: 200, requestId: expect.stringMatching(UUID_V4) });
    expect(e.keys().map((k) => k.id)).toEqual([other.id]);
    expect((await call(e, 'DELETE', `${orgPath(e)}/keys/${e.adminKey.id}`, { auth: other })).status).toBe(404);
    expect((await call(e, 'GET', orgPath(e))).text).toBe(KEY_NOT_FOUND);
  });

  test('an organization holds at most 100 keys', async () => {
    const e = await start();
    for (let i = 0; i < 98; i += 1) e.seedKey({ name: `old-${i}` });
    expect((await createKey(e, { roles: ['developer'] })).status).toBe(200);
    const full = await createKey(e, { roles: ['developer'] });
    expect(full.status).toBe(400);
    expect(full.json.error).toMatch(/^BAD_REQUEST: .*100/);
    expect(e.keys()).toHaveLength(100);
    expect(() => e.seedKey({ name: 'one too many' })).toThrow(/100/);
  });
});

describe('authentication', () => {
  test('401 bodies are the ones the live API sends', async () => {
    const e = await start();
    const none = await call(e, 'GET', orgPath(e), { auth: null });
    expect([none.status, none.text]).toEqual([401, KEY_NOT_FOUND]);
    const unknown = await call(e, 'GET', orgPath(e), { auth: { keyId: 'nobody', secret: 'x' } });
    expect([unknown.status, unknown.text]).toEqual([401, KEY_NOT_FOUND]);
    const wrongSecret = await call(e, 'GET', orgPath(e), { auth: { ...e.adminKey, secret: 'wrong' } });
    expect([wrongSecret.status, wrongSecret.text]).toEqual([401, KEY_NOT_FOUND]);

    const disabled = e.seedKey({ name: 'off', roles: ['admin'], state: 'disabled' });
    const expired = e.seedKey({ name: 'old', roles: ['admin'], expireAt: new Date(Date.now() - 1000).toISOString() });
    for (const key of [disabled, expired]) {
      const reply = await call(e, 'GET', orgPath(e), { auth: key });
      expect(reply.status).toBe(401);
      expect(reply.text).toMatch(KEY_NOT_ACTIVE);
      expect(reply.json.requestId).toMatch(UUID_V4);
    }
    expect(e.requests.every((r) => r.keyId === undefined)).toBe(true);
  });

  test.each([
    [[], 401],
    [[{ source: '10.0.0.0/8' }], 401],
    [[{ source: '10.0.0.0/8' }, { source: '127.0.0.1', description: 'me' }], 200],
    [[{ source: '127.0.0.0/8' }], 200],
  ])('a key with ipAccessList %j answers %i from 127.0.0.1', async (ipAccessList, status) => {
    const e = await start();
    const created = await createKey(e, { roles: ['developer'], ipAccessList });
    expect(created.status).toBe(200);
    expect(created.json.result.key.ipAccessList).toEqual(ipAccessList);
    const { keyId, keySecret } = created.json.result;
    const reply = await call(e, 'GET', orgPath(e), { auth: { keyId, secret: keySecret } });
    expect(reply.status).toBe(status);
    if (status === 401) expect(reply.text).toBe(IP_NOT_ALLOWED);
  });
});

describe('routing and parameters', () => {
  test('a path parameter declared as a UUID must be one', async () => {
    const e = await start();
    const badKey = await call(e, 'GET', `${orgPath(e)}/keys/not-a-uuid`);
    expect(badKey.status).toBe(400);
    expect(badKey.json).toEqual({
      status: 400,
      error: "BAD_REQUEST: path parameter 'keyId' must be a valid uuid",
      requestId: expect.any(String),
    });
    const badOrg = await call(e, 'GET', '/v1/organizations/urn:uuid:00000000-0000-4000-8000-000000000000');
    expect(badOrg.status).toBe(400);
    expect(badOrg.json.error).toContain("'organizationId'");
  });

  test('unknown organization, service, key, endpoint and path are 404; a wrong method is 405', async () => {
    const e = await start();
    const other = randomUUID();
    for (const path of [
      `/v1/organizations/${other}`,
      `/v1/organizations/${other}/keys`,
      `${orgPath(e)}/services/${other}`,
      `${orgPath(e)}/keys/${other}`,
      `${rpePath(e)}/${other}`,
      `${orgPath(e)}/nothing`,
      '/v2/organizations',
    ]) {
      const reply = await call(e, 'GET', path);
      expect([path, reply.status]).toEqual([path, 404]);
      expect(reply.json).toEqual({ status: 404, error: expect.stringMatching(/^NOT_FOUND: /), requestId: expect.any(String) });
    }
    const wrongMethod = await call(e, 'PUT', `${orgPath(e)}/keys`, { body: {} });
    expect(wrongMethod.status).toBe(405);
    expect(wrongMethod.json).toEqual({ status: 405, error: expect.stringMatching(/^METHOD_NOT_ALLOWED: /) });
    expect(wrongMethod.headers.get('allow')).toBe('GET, POST');
  });

  test('query parameters: required ones, described values, nothing undeclared; no body where none is declared', async () => {
    const e = await start();
    const config = `${orgPath(e)}/privateEndpointConfig`;
    expect((await call(e, 'GET', `${config}?cloud_provider=aws`)).json.error).toContain("'region_id' is required");
    expect((await call(e, 'GET', `${config}?cloud_provider=ibm&region_id=us-east-1`)).json.error).toContain("'cloud_provider'");
    expect((await call(e, 'GET', `${config}?cloud_provider=aws&region_id=us-east-1&x=1`)).json.error).toContain(
      "unknown query parameter 'x'",
    );
    const good = await call(e, 'GET', `${config}?cloud_provider=aws&region_id=us-east-1`);
    expect(good.status).toBe(200);
    expect(good.json.result.endpointServiceId).toMatch(/^com\.amazonaws\.vpce\.us-east-1\.vpce-svc-/);
    expect((await call(e, 'GET', `${orgPath(e)}?verbose=1`)).status).toBe(400);
    const bodyOnGet = await call(e, 'DELETE', `${orgPath(e)}/keys/${randomUUID()}`, { body: {} });
    expect(bodyOnGet.json.error).toContain('takes no request body');
  });
});

describe('private endpoints', () => {
  test('creating one returns it in the service region; the same ID twice, or none, is a 400', async () => {
    const e = await start();
    const path = `${servicePath(e)}/privateEndpoint`;
    const created = await call(e, 'POST', path, { body: { id: 'vpce-0123456789abcdef0', description: 'runner' } });
    expect(created.status).toBe(200);
    expect(created.json.result).toEqual({
      id: 'vpce-0123456789abcdef0',
      description: 'runner',
      cloudProvider: 'aws',
      region: 'us-east-1',
    });
    expect(e.privateEndpoints()).toEqual([created.json.result]);
    expect((await call(e, 'POST', path, { body: { id: 'vpce-0123456789abcdef0' } })).status).toBe(400);
    expect((await call(e, 'POST', path, { body: { description: 'no id' } })).json.error).toContain("'id' is required");
    expect((await call(e, 'GET', servicePath(e))).json.result.privateEndpointIds).toEqual(['vpce-0123456789abcdef0']);
  });

  const vpcService = {
    description: 'kafka',
    type: 'VPC_ENDPOINT_SERVICE',
    vpcEndpointServiceName: 'com.amazonaws.vpce.us-east-1.vpce-svc-1',
  };

  test('a reverse private endpoint is Provisioning, then Ready on the Nth poll', async () => {
    const e = await start({ readyAfterPolls: 2 });
    const created = await call(e, 'POST', rpePath(e), { body: vpcService });
    expect(created.status).toBe(200);
    const rpe = created.json.result;
    expect(rpe).toEqual({
      ...vpcService,
      vpcResourceConfigurationId: null,
      vpcResourceShareArn: null,
      mskClusterArn: null,
      mskAuthentication: null,
      gcpServiceAttachment: null,
      customPrivateDnsMappings: [],
      id: expect.stringMatching(UUID_V4),
      serviceId: e.serviceId,
      endpointId: expect.stringMatching(/^vpce-[0-9a-f]{17}$/),
      dnsNames: [expect.any(String)],
      privateDnsNames: [],
      status: 'Provisioning',
    });
    expect((await call(e, 'GET', rpePath(e))).json.result).toEqual([rpe]);
    expect((await call(e, 'GET', `${rpePath(e)}/${rpe.id}`)).json.result.status).toBe('Provisioning');
    expect((await call(e, 'GET', `${rpePath(e)}/${rpe.id}`)).json.result.status).toBe('Ready');

    e.setReversePrivateEndpointStatus(rpe.id, 'PendingAcceptance');
    expect((await call(e, 'GET', `${rpePath(e)}/${rpe.id}`)).json.result.status).toBe('PendingAcceptance');
    expect(() => e.setReversePrivateEndpointStatus(rpe.id, 'Sleeping')).toThrow();

    expect((await call(e, 'DELETE', `${rpePath(e)}/${rpe.id}`)).json).toEqual({ status: 200, requestId: expect.any(String) });
    expect(e.reversePrivateEndpoints()).toEqual([]);
  });

  test('the next reverse private endpoint can be told to fail; readyAfterMs counts time instead of polls', async () => {
    const e = await start({ readyAfterMs: 150 });
    e.settleNextReversePrivateEndpoint('Failed');
    const failing = (await call(e, 'POST', rpePath(e), { body: vpcService })).json.result;
    const fine = (await call(e, 'POST', rpePath(e), { body: { ...vpcService, description: 'second' } })).json.result;
    expect((await call(e, 'GET', `${rpePath(e)}/${failing.id}`)).json.result.status).toBe('Provisioning');
    await sleep(200);
    expect((await call(e, 'GET', `${rpePath(e)}/${failing.id}`)).json.result.status).toBe('Failed');
    expect((await call(e, 'GET', `${rpePath(e)}/${fine.id}`)).json.result.status).toBe('Ready');
  });

  test.each([
    [{ type: 'VPC_ENDPOINT_SERVICE', vpcEndpointServiceName: 'svc' }, "'description' is required"],
    [{ ...vpcService, description: 'x'.repeat(256) }, "'description' must be at most 255 characters"],
    [{ description: 'x', vpcEndpointServiceName: 'svc' }, "'type' is required"],
    [{ description: 'x', type: 'VPC_PEERING' }, "'type' must be one of"],
    [{ description: 'x', type: 'VPC_ENDPOINT_SERVICE' }, "'vpcEndpointServiceName' is required for type VPC_ENDPOINT_SERVICE"],
    [{ description: 'x', type: 'VPC_RESOURCE', vpcResourceConfigurationId: 'rcfg-1' }, "'vpcResourceShareArn' is required"],
    [{ description: 'x', type: 'MSK_MULTI_VPC', mskClusterArn: 'arn:aws:kafka:x' }, "'mskAuthentication' is required"],
    [{ description: 'x', type: 'MSK_MULTI_VPC', mskClusterArn: 'arn', mskAuthentication: 'PLAIN' }, "'mskAuthentication' must be one of"],
    [{ ...vpcService, mskClusterArn: 'arn' }, "'mskClusterArn' does not apply to type VPC_ENDPOINT_SERVICE"],
    [{ ...vpcService, region: 'us-east-1' }, "unknown field 'region'"],
  ])('an invalid reverse private endpoint is a 400: %j', async (body, message) => {
    const e = await start();
    const reply = await call(e, 'POST', rpePath(e), { body });
    expect(reply.status).toBe(400);
    expect(reply.json.error).toContain(message);
    expect(e.reversePrivateEndpoints()).toEqual([]);
  });
});

describe('rate limiting', () => {
  test('a fixed window per key: headers on every answer, then 429 with the live body', async () => {
    const e = await start({ rateLimit: { limit: 3, windowMs: 10_000 } });
    for (const remaining of ['2', '1', '0']) {
      const reply = await call(e, 'GET', orgPath(e));
      expect(reply.status).toBe(200);
      expect(reply.headers.get('x-ratelimit-limit')).toBe('3');
      expect(reply.headers.get('x-ratelimit-remaining')).toBe(remaining);
    }
    const limited = await call(e, 'GET', orgPath(e));
    expect(limited.status).toBe(429);
    expect(limited.text).toBe('{"error":"TOO_MANY_REQUESTS"}');
    expect(limited.headers.get('x-ratelimit-remaining')).toBe('0');
    expect(limited.headers.get('x-ratelimit-policy')).toBe('3;w=10;comment="fixed window"');
    const reset = Number(limited.headers.get('x-ratelimit-reset'));
    expect(reset).toBeGreaterThan(9);
    expect(reset).toBeLessThanOrEqual(10);

    const other = e.seedKey({ name: 'other', roles: ['admin'] });
    expect((await call(e, 'GET', orgPath(e), { auth: other })).status).toBe(200);
    const unauthenticated = await call(e, 'GET', orgPath(e), { auth: null });
    expect(unauthenticated.headers.get('x-ratelimit-limit')).toBeNull();
  });

  test('the window resets, and no headers are sent when rate limiting is off', async () => {
    const limited = await start({ rateLimit: { limit: 1, windowMs: 100 } });
    expect((await call(limited, 'GET', orgPath(limited))).status).toBe(200);
    expect((await call(limited, 'GET', orgPath(limited))).status).toBe(429);
    await sleep(120);
    expect((await call(limited, 'GET', orgPath(limited))).status).toBe(200);
    const free = await start();
    expect((await call(free, 'GET', orgPath(free))).headers.get('x-ratelimit-limit')).toBeNull();
  });
});

describe('faults', () => {
  test('a fault strikes only a request the API would accept: an invalid one is refused as usual', async () => {
    const e = await start();
    e.addFault({ method: 'POST', path: /\/keys$/, fault: { kind: 'status', status: 503 } });
    expect((await createKey(e, { roles: ['developer'], nmae: 'typo' })).status).toBe(400);
    expect((await createKey(e, { roles: ['developer'] }, { keyId: 'nobody', secret: 'nothing' })).status).toBe(401);
    expect((await createKey(e, { roles: ['developer'] })).status).toBe(503);
    expect(e.keys()).toHaveLength(1);
  });

  test('a status fault answers instead of processing, as many times as asked', async () => {
    const e = await start();
    e.addFault({ method: 'POST', path: /\/keys$/, times: 2, fault: { kind: 'status', status: 503 } });
    for (let i = 0; i < 2; i += 1) {
      const reply = await createKey(e, { roles: ['developer'] });
      expect(reply.status).toBe(503);
      expect(reply.json).toEqual({ status: 503, error: expect.stringMatching(/^INTERNAL_ERROR: /) });
    }
    expect(e.keys()).toHaveLength(1);
    expect((await createKey(e, { roles: ['developer'] })).status).toBe(200);
    expect(e.requests.map((r) => r.status)).toEqual([503, 503, 200]);
  });

  test('an injected 429 carries the live body, rate-limit headers and Retry-After', async () => {
    const e = await start();
    e.addFault({ path: orgPath(e), fault: { kind: 'status', status: 429, retryAfter: 2 } });
    const reply = await call(e, 'GET', orgPath(e));
    expect(reply.status).toBe(429);
    expect(reply.text).toBe('{"error":"TOO_MANY_REQUESTS"}');
    expect(reply.headers.get('retry-after')).toBe('2');
    expect(reply.headers.get('x-ratelimit-limit')).toBe('10');
    expect(reply.headers.get('x-ratelimit-remaining')).toBe('0');
    expect(reply.headers.get('x-ratelimit-reset')).toBe('2');
    expect(reply.headers.get('x-ratelimit-policy')).toBe('10;w=10;comment="fixed window"');
    expect((await call(e, 'GET', orgPath(e))).status).toBe(200);
  });

  test('reset destroys the socket and commits nothing', async () => {
    const e = await start();
    e.addFault({ method: 'POST', fault: { kind: 'reset' } });
    await expect(createKey(e, { roles: ['developer'] })).rejects.toThrow();
    expect(e.keys()).toHaveLength(1);
    expect(e.requests).toEqual([expect.objectContaining({ method: 'POST', status: 0, body: { roles: ['developer'] } })]);
  });

  test('drop-after-commit creates the key, then hangs up without an answer', async () => {
    const e = await start();
    e.addFault({ method: 'POST', path: `${orgPath(e)}/keys`, fault: { kind: 'drop-after-commit' } });
    await expect(createKey(e, { name: 'ghost', roles: ['developer'] })).rejects.toThrow();
    expect(e.keys().map((k) => k.name)).toEqual(['emulator-admin', 'ghost']);
    expect(e.requests.at(-1)?.status).toBe(0);
  });

  test('delay answers late, and commits even when the client has given up', async () => {
    const e = await start();
    e.addFault({ method: 'POST', fault: { kind: 'delay', ms: 150 } });
    const began = Date.now();
    await expect(createKey(e, { name: 'late', roles: ['developer'] })).resolves.toMatchObject({ status: 200 });
    expect(Date.now() - began).toBeGreaterThanOrEqual(140);

    // The client gives up once the request has arrived, whatever the machine's load.
    e.addFault({ method: 'POST', fault: { kind: 'delay', ms: 500 } });
    const giveUp = new AbortController();
    const arrived = e.requests.length + 1;
    const abandoned = call(e, 'POST', `${orgPath(e)}/keys`, { body: { name: 'abandoned', roles: ['developer'] }, signal: giveUp.signal });
    await until(() => e.requests.length === arrived);
    giveUp.abort();
    await expect(abandoned).rejects.toThrow();
    expect(e.keys()).toHaveLength(2);
    await until(() => e.keys().length === 3);
    expect(e.keys().map((k) => k.name)).toEqual(['emulator-admin', 'late', 'abandoned']);
  });
});

describe('control API', () => {
  test('another process can add faults and read requests and state, without auth', async () => {
    const e = await start();
    const added = await call(e, 'POST', '/_emulator/faults', {
      auth: null,
      body: { method: 'GET', path: '^/v1/organizations/[^/]+$', fault: { kind: 'status', status: 500 } },
    });
    expect(added.status).toBe(200);
    expect((await call(e, 'GET', orgPath(e))).status).toBe(500);
    const bad = await call(e, 'POST', '/_emulator/faults', { auth: null, body: { fault: { kind: 'explode' } } });
    expect(bad.status).toBe(400);

    const requests = await call(e, 'GET', '/_emulator/requests', { auth: null });
    expect(requests.json).toEqual([expect.objectContaining({ method: 'GET', path: orgPath(e), status: 500 })]);
    const state = await call(e, 'GET', '/_emulator/state', { auth: null });
    expect(state.json).toEqual({
      organizationId: e.organizationId,
      serviceId: e.serviceId,
      keys: e.keys(),
      privateEndpoints: [],
      reversePrivateEndpoints: [],
      services: e.services(),
    });
    e.clearRequests();
    expect(e.requests).toEqual([]);
  });
});

describe('the document', () => {
  test('every 200 body validates against its closed response schema', async () => {
    const e = await start({ readyAfterPolls: 0 });
    const { operations } = loadOpenApi();
    const validator = (method: string, template: string) => {
      const validate = operations.find((op) => op.method === method && op.template === template)?.responses.get(200);
      if (!validate) throw new Error(`no 200 schema for ${method} ${template}`);
      return validate;
    };
    // The validators must be able to fail, or this walk proves nothing.
    const keyList = validator('GET', '/v1/organizations/{organizationId}/keys');
    expect(keyList({ status: 200, requestId: randomUUID(), result: [], extra: 1 })).toBe(false);
    expect(keyList({ status: 200, requestId: randomUUID(), result: [{ state: 'paused' }] })).toBe(false);
    expect(keyList({ status: 200, requestId: randomUUID(), result: [{ ipAccessList: [{ source: 'x', note: 'y' }] }] })).toBe(false);

    const key = (await createKey(e, { name: 'walk', roles: ['developer'], expireAt: inOneHour() })).json.result.key;
    await call(e, 'POST', `${servicePath(e)}/privateEndpoint`, { body: { id: 'vpce-0123456789abcdef0', description: 'd' } });
    const msk = {
      description: 'm',
      type: 'MSK_MULTI_VPC',
      mskClusterArn: 'arn:aws:kafka:us-east-1:1:cluster/c',
      mskAuthentication: 'SASL_IAM',
    };
    const rpe = (await call(e, 'POST', rpePath(e), { body: msk })).json.result;
    const gcp = {
      description: 'g',
      type: 'GCP_PSC_SERVICE_ATTACHMENT',
      gcpServiceAttachment: 'projects/p1/regions/us-central1/serviceAttachments/s1',
    };
    const psc = (await call(e, 'POST', rpePath(e), { body: gcp })).json.result;
    const leftover = e.seedService({ name: 'walk', state: 'stopped', tags: [{ key: 'managed-by', value: 'clickhouse-cloud-action' }] });
    const walk: [string, string, string, Record<string, unknown>?][] = [
      ['GET', '/v1/organizations/{organizationId}', orgPath(e)],
      ['GET', '/v1/organizations/{organizationId}/services/{serviceId}', servicePath(e)],
      ['GET', '/v1/organizations/{organizationId}/keys', `${orgPath(e)}/keys`],
      ['GET', '/v1/organizations/{organizationId}/keys/{keyId}', `${orgPath(e)}/keys/${key.id}`],
      ['POST', '/v1/organizations/{organizationId}/keys', `${orgPath(e)}/keys`, { roles: ['admin'] }],
      [
        'POST',
        '/v1/organizations/{organizationId}/keys',
        `${orgPath(e)}/keys`,
        { roles: ['admin'], hashData: { keyIdHash: sha256Base64('i'), keyIdSuffix: 'abcd', keySecretHash: sha256Base64('s') } },
      ],
      ['GET', '/v1/organizations/{organizationId}/services/{serviceId}/privateEndpointConfig', `${servicePath(e)}/privateEndpointConfig`],
      ['GET', '/v1/organizations/{organizationId}/roles', `${orgPath(e)}/roles`],
      [
        'PATCH',
        '/v1/organizations/{organizationId}/services/{serviceId}',
        servicePath(e),
        { ipAccessList: { add: [{ source: '198.51.100.23/32', description: 'walk' }], remove: [{ source: '0.0.0.0/0' }] } },
      ],
      ['PATCH', '/v1/organizations/{organizationId}/services/{serviceId}/state', `${servicePath(e)}/state`, { command: 'stop' }],
      [
        'GET',
        '/v1/organizations/{organizationId}/privateEndpointConfig',
        `${orgPath(e)}/privateEndpointConfig?cloud_provider=gcp&region_id=us-east1`,
      ],
      [
        'POST',
        '/v1/organizations/{organizationId}/services/{serviceId}/privateEndpoint',
        `${servicePath(e)}/privateEndpoint`,
        { id: 'vpce-1123456789abcdef0' },
      ],
      [
        'POST',
        '/v1/organizations/{organizationId}/services/{serviceId}/clickpipesReversePrivateEndpoints',
        rpePath(e),
        { description: 'r', type: 'VPC_RESOURCE', vpcResourceConfigurationId: 'rcfg-1', vpcResourceShareArn: 'arn:aws:ram:x' },
      ],
      ['GET', '/v1/organizations/{organizationId}/services/{serviceId}/clickpipesReversePrivateEndpoints', rpePath(e)],
      [
        'GET',
        '/v1/organizations/{organizationId}/services/{serviceId}/clickpipesReversePrivateEndpoints/{reversePrivateEndpointId}',
        `${rpePath(e)}/${rpe.id}`,
      ],
      [
        'PATCH',
        '/v1/organizations/{organizationId}/services/{serviceId}/clickpipesReversePrivateEndpoints/{reversePrivateEndpointId}',
        `${rpePath(e)}/${psc.id}`,
        { customPrivateDnsMappings: [{ privateDnsName: '*.walk.example.com' }] },
      ],
      [
        'DELETE',
        '/v1/organizations/{organizationId}/services/{serviceId}/clickpipesReversePrivateEndpoints/{reversePrivateEndpointId}',
        `${rpePath(e)}/${rpe.id}`,
      ],
      ['DELETE', '/v1/organizations/{organizationId}/keys/{keyId}', `${orgPath(e)}/keys/${key.id}`],
      [
        'POST',
        '/v1/organizations/{organizationId}/services',
        `${orgPath(e)}/services`,
        { name: 'walk', provider: 'aws', region: 'us-east-1', ipAccessList: [{ source: '198.51.100.23' }], tags: [{ key: 'ci' }] },
      ],
      [
        'GET',
        '/v1/organizations/{organizationId}/services',
        `${orgPath(e)}/services?filter=tag:managed-by=clickhouse-cloud-action&filter=tag:ci`,
      ],
      ['PATCH', '/v1/organizations/{organizationId}/services/{serviceId}/password', `${orgPath(e)}/services/${leftover}/password`, {}],
      ['DELETE', '/v1/organizations/{organizationId}/services/{serviceId}', `${orgPath(e)}/services/${leftover}`],
    ];
    expect(new Set(walk.map(([method, template]) => `${method} ${template}`)).size).toBe(operations.length);
    for (const [method, template, path, body] of walk) {
      const reply = await call(e, method, path, body === undefined ? {} : { body });
      const validate = validator(method, template);
      expect([method, path, reply.status]).toEqual([method, path, 200]);
      expect([method, path, validate(reply.json) ? 'valid' : validate.errors]).toEqual([method, path, 'valid']);
    }
    const organization = (await call(e, 'GET', orgPath(e))).json.result;
    expect(organization.privateEndpoints).toHaveLength(2);
    expect(e.keys().find((k) => k.name === 'walk')).toBeUndefined();
  });
});

describe('services the organization creates', () => {
  const create = (e: Emulator, body: Record<string, unknown>) => call(e, 'POST', `${orgPath(e)}/services`, { body });
  const valid = { name: 'ci', provider: 'aws', region: 'us-east-1', ipAccessList: [{ source: '198.51.100.23' }] };

  test('ipAccessList is required, as live', async () => {
    const e = await start();
    const { ipAccessList: _dropped, ...body } = valid;
    const reply = await create(e, body);
    expect([reply.status, reply.json.error]).toEqual([400, 'BAD_REQUEST: request body.ipAccessList value is not an array: undefined']);
  });

  test('provisioning -> running, /ping not ready then Ok., 409 while running, stop, DELETE, terminating, then 404', async () => {
    const e = await start({ serviceTransitionPolls: 1, servicePingFailures: 1 });
    const made = (await create(e, { ...valid, tags: [{ key: 'gha-mark', value: 'a.b.1-1-x' }] })).json.result;
    expect(made.password).toMatch(/^\S{16}$/);
    expect(made.service.state).toBe('provisioning');
    const path = `${orgPath(e)}/services/${made.service.id}`;
    const https = made.service.endpoints.find((endpoint: { protocol: string }) => endpoint.protocol === 'https');
    const ping = async () => {
      const response = await fetch(`http://${https.host}:${https.port}/ping`);
      return `${response.status} ${await response.text()}`;
    };
    expect(await ping()).toBe('503 Service is provisioning');
    expect((await call(e, 'GET', path)).json.result.state).toBe('running');
    expect(await ping()).toBe('503 Service is starting up');
    expect(await ping()).toBe('200 Ok.\n');
    const refused = await call(e, 'DELETE', path);
    expect([refused.status, refused.json.error]).toEqual([
      409,
      "CONFLICT: Only instance in one of the following states: 'provisioning','starting','awaking','idle','stopped','degraded','failed' can be terminated. Current state: 'running'",
    ]);
    expect((await call(e, 'PATCH', `${path}/state`, { body: { command: 'stop' } })).json.result.state).toBe('stopping');
    expect((await call(e, 'GET', path)).json.result.state).toBe('stopped');
    expect((await call(e, 'DELETE', path)).status).toBe(200);
    expect((await call(e, 'GET', path)).json.result.state).toBe('terminating');
    expect((await call(e, 'GET', path)).status).toBe(404);
  });

  test('deleteConflicts answers 409 even when stopped; the tag filter and a new password', async () => {
    const e = await start({ serviceDeleteConflicts: 2 });
    const mine = e.seedService({ name: 'x', state: 'stopped', tags: [{ key: 'managed-by', value: 'clickhouse-cloud-action' }] });
    e.seedService({ name: 'x', state: 'stopped', tags: [{ key: 'managed-by', value: 'someone-else' }] });
    const listed = await call(e, 'GET', `${orgPath(e)}/services?filter=tag:managed-by=clickhouse-cloud-action`);
    expect(listed.json.result.map((s: { id: string }) => s.id)).toEqual([mine]);
    expect((await call(e, 'GET', `${orgPath(e)}/services?filter=env:ci`)).status).toBe(400);
    expect((await call(e, 'PATCH', `${orgPath(e)}/services/${mine}/password`, { body: {} })).json.result.password).toMatch(/^\S{16}$/);
    const path = `${orgPath(e)}/services/${mine}`;
    expect([
      (await call(e, 'DELETE', path)).status,
      (await call(e, 'DELETE', path)).status,
      (await call(e, 'DELETE', path)).status,
    ]).toEqual([409, 409, 200]);
  });
});
