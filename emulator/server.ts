import { createHash, randomInt, randomUUID, randomBytes } from 'node:crypto';
import { createServer, STATUS_CODES, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Ajv } from 'ajv';
import ipaddr from 'ipaddr.js';
import type { components } from '../src/api/schema.js';
import { describeErrors, loadOpenApi, UUID, type OpenApi, type Operation } from './openapi.js';

type Schemas = components['schemas'];
export type ApiKey = Schemas['ApiKey'];
export type ReversePrivateEndpoint = Schemas['ReversePrivateEndpoint'];
export type InstancePrivateEndpoint = Schemas['InstancePrivateEndpoint'];
type IpAccessListEntry = Schemas['IpAccessListEntry'];
type Role = NonNullable<ApiKey['roles']>[number];
type RpeStatus = NonNullable<ReversePrivateEndpoint['status']>;
type RpeType = NonNullable<ReversePrivateEndpoint['type']>;

export interface EmulatorOptions {
  /** Default 0: a free port. */
  port?: number;
  /** Default false. When set, a fixed window per authenticating key. */
  rateLimit?: { limit: number; windowMs: number } | false;
  /** A reverse private endpoint leaves Provisioning on the Nth GET of it (default 2). */
  readyAfterPolls?: number;
  /** Alternatively, this long after its creation; takes precedence over readyAfterPolls. */
  readyAfterMs?: number;
  seed?: { organizationId?: string; serviceId?: string; adminKeyId?: string; adminKeySecret?: string };
}

export interface RecordedRequest {
  method: string;
  path: string;
  /** The query string without its `?`. */
  query: string;
  headers: Record<string, string>;
  rawBody: string;
  /** rawBody parsed as JSON; undefined when it is empty or not JSON. */
  body: unknown;
  /** 0 when the socket was destroyed instead of answered (reset, drop-after-commit). */
  status: number;
  at: number;
  /** The Basic-auth username of the key that authenticated the request. */
  keyId?: string;
}

export type Fault =
  | { kind: 'status'; status: number; retryAfter?: number; body?: unknown }
  | { kind: 'reset' }
  | { kind: 'drop-after-commit' }
  /** Carries the request out, then answers 200 with a body a client cannot read. */
  | { kind: 'garble'; as: Garble }
  | { kind: 'delay'; ms: number };

/**
 * `html`: a proxy's sign-in page; `truncated`: the real body's first half with a Content-Length
 * of the whole, then the socket closed; `no-envelope`: `{}`; `not-json`: the first half of the
 * real body, sent as if complete.
 */
export type Garble = 'html' | 'truncated' | 'no-envelope' | 'not-json';

export interface FaultRule {
  method?: string;
  /** A RegExp is tested against the request's path; a string must equal it. */
  path?: RegExp | string;
  /** How many matching requests it applies to; default 1. */
  times?: number;
  fault: Fault;
}

export interface Emulator {
  url: string;
  organizationId: string;
  serviceId: string;
  adminKey: { id: string; keyId: string; secret: string };
  requests: RecordedRequest[];
  keys(): ApiKey[];
  seedKey(key: {
    name: string;
    roles?: string[];
    createdAt?: string;
    expireAt?: string | null;
    state?: 'enabled' | 'disabled';
    keyId?: string;
    secret?: string;
  }): { id: string; keyId: string; secret: string };
  reversePrivateEndpoints(): ReversePrivateEndpoint[];
  setReversePrivateEndpointStatus(id: string, status: string): void;
  failNextReversePrivateEndpoint(status: 'Failed' | 'Rejected' | 'Expired'): void;
  privateEndpoints(): InstancePrivateEndpoint[];
  addFault(rule: FaultRule): void;
  clearRequests(): void;
  close(): Promise<void>;
}

const MAX_KEYS_PER_ORGANIZATION = 100;
const DEFAULT_RATE_LIMIT = { limit: 10, windowMs: 10_000 };
const PROVIDER = 'aws';
const REGION = 'us-east-1';
const ALLOW_ANYWHERE: IpAccessListEntry = { source: '0.0.0.0/0', description: 'Anywhere' };
const RPE_TYPE_FIELDS: Record<RpeType, readonly (keyof ReversePrivateEndpoint)[]> = {
  VPC_ENDPOINT_SERVICE: ['vpcEndpointServiceName'],
  VPC_RESOURCE: ['vpcResourceConfigurationId', 'vpcResourceShareArn'],
  MSK_MULTI_VPC: ['mskClusterArn', 'mskAuthentication'],
};
const RPE_FIELDS = Object.values(RPE_TYPE_FIELDS).flat();
const ALPHANUMERIC = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';

interface Answer {
  status: number;
  headers: Record<string, string>;
  /** undefined: destroy the socket instead of answering. */
  body?: unknown;
}

class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly body: unknown,
    readonly headers: Record<string, string> = {},
  ) {
    super(JSON.stringify(body));
  }
}

const codeOf = (status: number) => (STATUS_CODES[status] ?? 'ERROR').toUpperCase().replace(/\W+/g, '_');
const apiError = (status: number, message: string) => new ApiError(status, { status, error: `${codeOf(status)}: ${message}` });
const badRequest = (message: string) => apiError(400, message);
const notFound = (message: string) => apiError(404, message);

const KEY_NOT_FOUND = new ApiError(401, { error: 'UNAUTHORIZED: Key is not found', status: 401 });
const IP_NOT_ALLOWED = new ApiError(401, { error: 'UNAUTHORIZED: IP address is not allowed', status: 401 });

const sha256Base64 = (value: string) => createHash('sha256').update(value, 'utf8').digest('base64');
const randomAlphanumeric = (length: number) => Array.from({ length }, () => ALPHANUMERIC[randomInt(ALPHANUMERIC.length)]).join('');
const randomHex = (length: number) =>
  randomBytes(Math.ceil(length / 2))
    .toString('hex')
    .slice(0, length);
// Exact: a server may treat IDs as opaque strings, so a client must send them as it got them.
const sameId = (a: string, b: string) => a === b;

/** The hashData algorithm: base64 (padded) of a raw SHA-256 digest, so 44 characters for 32 bytes. */
function isSha256Base64(value: string): boolean {
  return /^[A-Za-z0-9+/]{43}=$/.test(value) && Buffer.from(value, 'base64').toString('base64') === value;
}

// IpAccessListEntry says "IPv4 address or IPv4 CIDR"; the loose forms ipaddr.js also parses
// (`10.1`, `0x7f.1`, octal) are not addresses a strict server would take.
function parseIpv4Source(source: string): [ipaddr.IPv4, number] | undefined {
  const [address, prefix, ...rest] = source.split('/');
  if (address === undefined || rest.length > 0 || !ipaddr.IPv4.isValidFourPartDecimal(address)) return undefined;
  if (prefix === undefined) return [ipaddr.IPv4.parse(address), 32];
  if (!/^(?:\d|[12]\d|3[0-2])$/.test(prefix)) return undefined;
  return [ipaddr.IPv4.parse(address), Number(prefix)];
}

function ipAllowed(list: IpAccessListEntry[], remoteAddress: string | undefined): boolean {
  if (remoteAddress === undefined || !ipaddr.isValid(remoteAddress)) return false;
  const address = ipaddr.process(remoteAddress);
  if (address.kind() !== 'ipv4') return false;
  return list.some((entry) => {
    const range = entry.source === undefined ? undefined : parseIpv4Source(entry.source);
    return range !== undefined && address.match(range);
  });
}

function formatSeconds(ms: number): string {
  return String(Math.max(0, Math.round(ms / 10) / 100));
}

function rateLimitHeaders(limit: number, windowMs: number, remaining: number, resetMs: number): Record<string, string> {
  return {
    'X-RateLimit-Limit': String(limit),
    'X-RateLimit-Remaining': String(Math.max(0, remaining)),
    'X-RateLimit-Reset': formatSeconds(resetMs),
    'X-RateLimit-Policy': `${limit};w=${windowMs / 1000};comment="fixed window"`,
  };
}

const faultRuleValidator = new Ajv({ allErrors: true }).compile({
  type: 'object',
  additionalProperties: false,
  required: ['fault'],
  properties: {
    method: { type: 'string' },
    path: { type: 'string' },
    times: { type: 'integer', minimum: 1 },
    fault: {
      oneOf: [
        {
          type: 'object',
          additionalProperties: false,
          required: ['kind', 'status'],
          properties: {
            kind: { const: 'status' },
            status: { type: 'integer', minimum: 100, maximum: 599 },
            retryAfter: { type: 'number', minimum: 0 },
            body: {},
          },
        },
        {
          type: 'object',
          additionalProperties: false,
          required: ['kind'],
          properties: { kind: { enum: ['reset', 'drop-after-commit'] } },
        },
        {
          type: 'object',
          additionalProperties: false,
          required: ['kind', 'as'],
          properties: { kind: { const: 'garble' }, as: { enum: ['html', 'truncated', 'no-envelope', 'not-json'] } },
        },
        {
          type: 'object',
          additionalProperties: false,
          required: ['kind', 'ms'],
          properties: { kind: { const: 'delay' }, ms: { type: 'number', minimum: 0 } },
        },
      ],
    },
  },
});

interface KeyRecord {
  id: string;
  name: string | undefined;
  state: 'enabled' | 'disabled';
  roles: Role[];
  keySuffix: string;
  createdAt: string;
  expireAt: string | null;
  usedAt: string | undefined;
  ipAccessList: IpAccessListEntry[];
  // Every key is stored the way hashData keys must be, so one comparison authenticates all.
  keyIdHash: string;
  keySecretHash: string;
}

interface RpeRecord {
  endpoint: ReversePrivateEndpoint & { status: RpeStatus };
  createdAt: number;
  polls: number;
  finalStatus: RpeStatus;
}

interface Context {
  params: Record<string, string>;
  query: URLSearchParams;
  body: Record<string, unknown>;
  key: KeyRecord;
  now: number;
}

type Handler = (context: Context) => { result?: unknown };

class EmulatorServer implements Emulator {
  url = '';
  readonly organizationId: string;
  readonly serviceId: string;
  readonly adminKey: { id: string; keyId: string; secret: string };
  readonly requests: RecordedRequest[] = [];

  private readonly api: OpenApi = loadOpenApi();
  private readonly server = createServer((req, res) => {
    this.handle(req, res).catch((error: unknown) => {
      if (res.headersSent) res.destroy();
      else send(res, { status: 500, headers: {}, body: { status: 500, error: `INTERNAL_ERROR: ${String(error)}` } });
    });
  });
  private readonly createdAt = new Date().toISOString();
  private readonly keyRecords: KeyRecord[] = [];
  private readonly endpoints: InstancePrivateEndpoint[] = [];
  private readonly rpes: RpeRecord[] = [];
  private readonly faults: (FaultRule & { remaining: number })[] = [];
  private readonly windows = new Map<string, { start: number; count: number }>();
  private nextRpeStatus: RpeStatus | undefined;
  private readonly handlers: Record<string, Handler>;

  constructor(private readonly options: EmulatorOptions) {
    const seed = options.seed ?? {};
    for (const id of [seed.organizationId, seed.serviceId]) {
      if (id !== undefined && !UUID.test(id)) throw new Error(`seed ID ${id} is not a UUID`);
    }
    this.organizationId = seed.organizationId ?? randomUUID();
    this.serviceId = seed.serviceId ?? randomUUID();
    this.adminKey = this.seedKey({
      name: 'emulator-admin',
      roles: ['admin'],
      ...(seed.adminKeyId === undefined ? {} : { keyId: seed.adminKeyId }),
      ...(seed.adminKeySecret === undefined ? {} : { secret: seed.adminKeySecret }),
    });
    this.handlers = {
      'GET /v1/organizations/{organizationId}': () => ({ result: this.organization() }),
      'GET /v1/organizations/{organizationId}/privateEndpointConfig': (c) => ({ result: this.regionConfig(c) }),
      'GET /v1/organizations/{organizationId}/keys': () => ({ result: this.keys() }),
      'POST /v1/organizations/{organizationId}/keys': (c) => ({ result: this.createKey(c) }),
      'GET /v1/organizations/{organizationId}/keys/{keyId}': (c) => ({ result: toApiKey(this.findKey(c.params.keyId)) }),
      'DELETE /v1/organizations/{organizationId}/keys/{keyId}': (c) => this.deleteKey(c),
      'GET /v1/organizations/{organizationId}/services/{serviceId}': () => ({ result: this.service() }),
      'GET /v1/organizations/{organizationId}/services/{serviceId}/privateEndpointConfig': () => ({
        result: { endpointServiceId: this.endpointServiceName(), privateDnsHostname: this.privateDnsHostname() },
      }),
      'POST /v1/organizations/{organizationId}/services/{serviceId}/privateEndpoint': (c) => ({
        result: this.createPrivateEndpoint(c),
      }),
      'GET /v1/organizations/{organizationId}/services/{serviceId}/clickpipesReversePrivateEndpoints': (c) => ({
        result: this.rpes.map((rpe) => this.advance(rpe, c.now)),
      }),
      'POST /v1/organizations/{organizationId}/services/{serviceId}/clickpipesReversePrivateEndpoints': (c) => ({
        result: this.createRpe(c),
      }),
      'GET /v1/organizations/{organizationId}/services/{serviceId}/clickpipesReversePrivateEndpoints/{reversePrivateEndpointId}': (c) => {
        const rpe = this.findRpe(c.params.reversePrivateEndpointId);
        rpe.polls += 1;
        return { result: this.advance(rpe, c.now) };
      },
      'DELETE /v1/organizations/{organizationId}/services/{serviceId}/clickpipesReversePrivateEndpoints/{reversePrivateEndpointId}': (
        c,
      ) => {
        this.rpes.splice(this.rpes.indexOf(this.findRpe(c.params.reversePrivateEndpointId)), 1);
        return {};
      },
    };
    const operationKeys = this.api.operations.map((op) => `${op.method} ${op.template}`);
    const unhandled = operationKeys.filter((key) => !(key in this.handlers));
    const undocumented = Object.keys(this.handlers).filter((key) => !operationKeys.includes(key));
    if (unhandled.length > 0 || undocumented.length > 0) {
      throw new Error(`emulator and document disagree: unhandled ${unhandled.join(', ')}; undocumented ${undocumented.join(', ')}`);
    }
  }

  async listen(port: number): Promise<void> {
    await new Promise<void>((resolve, reject) => {
      this.server.once('error', reject);
      this.server.listen(port, '127.0.0.1', () => resolve());
    });
    this.url = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
  }

  close(): Promise<void> {
    return new Promise((resolve) => {
      this.server.close(() => resolve());
      this.server.closeAllConnections();
    });
  }

  keys(): ApiKey[] {
    return this.keyRecords.map(toApiKey);
  }

  seedKey(key: Parameters<Emulator['seedKey']>[0]): { id: string; keyId: string; secret: string } {
    if (this.keyRecords.length >= MAX_KEYS_PER_ORGANIZATION) {
      throw new Error(`an organization holds at most ${MAX_KEYS_PER_ORGANIZATION} keys`);
    }
    const keyId = key.keyId ?? randomAlphanumeric(20);
    const secret = key.secret ?? `4b1d${randomAlphanumeric(38)}`;
    const record: KeyRecord = {
      id: randomUUID(),
      name: key.name,
      state: key.state ?? 'enabled',
      roles: (key.roles ?? ['developer']) as Role[],
      keySuffix: keyId.slice(-4),
      createdAt: key.createdAt ?? new Date().toISOString(),
      expireAt: key.expireAt ?? null,
      usedAt: undefined,
      ipAccessList: [ALLOW_ANYWHERE],
      keyIdHash: sha256Base64(keyId),
      keySecretHash: sha256Base64(secret),
    };
    const validate = this.api.component('ApiKey');
    if (!validate(toApiKey(record))) throw new Error(`seedKey: ${describeErrors(validate.errors, 'key')}`);
    if (this.keyRecords.some((k) => k.keyIdHash === record.keyIdHash)) throw new Error(`seedKey: key ID ${keyId} is taken`);
    this.keyRecords.push(record);
    return { id: record.id, keyId, secret };
  }

  reversePrivateEndpoints(): ReversePrivateEndpoint[] {
    const now = Date.now();
    return this.rpes.map((rpe) => this.advance(rpe, now));
  }

  setReversePrivateEndpointStatus(id: string, status: string): void {
    if (!this.api.enumOf('ReversePrivateEndpoint', 'status').includes(status)) throw new Error(`unknown status ${status}`);
    this.findRpe(id).endpoint.status = status as RpeStatus;
  }

  failNextReversePrivateEndpoint(status: 'Failed' | 'Rejected' | 'Expired'): void {
    this.nextRpeStatus = status;
  }

  privateEndpoints(): InstancePrivateEndpoint[] {
    return structuredClone(this.endpoints);
  }

  addFault(rule: FaultRule): void {
    this.faults.push({ ...rule, remaining: rule.times ?? 1 });
  }

  clearRequests(): void {
    this.requests.length = 0;
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://emulator');
    // Read now: once a delayed request's client has gone, its socket no longer knows the address.
    const remoteAddress = req.socket.remoteAddress;
    const rawBody = await readBody(req);
    if (url.pathname.startsWith('/_emulator/')) {
      send(res, this.control(req.method ?? '', url.pathname, rawBody));
      return;
    }
    const record: RecordedRequest = {
      method: req.method ?? '',
      path: url.pathname,
      query: url.search.slice(1),
      headers: Object.fromEntries(
        Object.entries(req.headers).map(([name, value]) => [name, Array.isArray(value) ? value.join(', ') : (value ?? '')]),
      ),
      rawBody,
      body: parseJson(rawBody),
      status: 0,
      at: Date.now(),
    };
    this.requests.push(record);

    // A fault strikes only a request the API would accept: an invalid one is refused as usual,
    // so a fault-injection test cannot hide a request the document does not allow.
    const admitted = this.admit(record, remoteAddress);
    const fault = typeof admitted === 'function' ? this.takeFault(record.method, record.path) : undefined;
    if (fault?.kind === 'reset') {
      req.socket.destroy();
      return;
    }
    let answer: Answer;
    if (typeof admitted !== 'function') answer = admitted;
    else if (fault?.kind === 'status') answer = this.faultAnswer(fault);
    else {
      if (fault?.kind === 'delay') await sleep(fault.ms);
      answer = admitted();
      if (fault?.kind === 'drop-after-commit') answer = { status: 0, headers: {} };
      if (fault?.kind === 'garble') {
        record.status = answer.status;
        sendGarbled(res, answer, fault.as);
        return;
      }
    }
    record.status = answer.status;
    if (answer.body === undefined) req.socket.destroy();
    else send(res, answer);
  }

  private takeFault(method: string, path: string): Fault | undefined {
    const index = this.faults.findIndex(
      (rule) =>
        (rule.method === undefined || rule.method.toUpperCase() === method) &&
        (rule.path === undefined || (typeof rule.path === 'string' ? rule.path === path : rule.path.test(path))),
    );
    const rule = this.faults[index];
    if (!rule) return undefined;
    rule.remaining -= 1;
    if (rule.remaining <= 0) this.faults.splice(index, 1);
    return rule.fault;
  }

  private faultAnswer(fault: Extract<Fault, { kind: 'status' }>): Answer {
    const headers: Record<string, string> = {};
    if (fault.retryAfter !== undefined) headers['Retry-After'] = String(fault.retryAfter);
    if (fault.status === 429) {
      const { limit, windowMs } = this.options.rateLimit || DEFAULT_RATE_LIMIT;
      // No window was really used up, so Reset says when to come back: Retry-After, or a second.
      Object.assign(headers, rateLimitHeaders(limit, windowMs, 0, (fault.retryAfter ?? 1) * 1000));
      return { status: 429, headers, body: fault.body ?? { error: 'TOO_MANY_REQUESTS' } };
    }
    const code = fault.status >= 500 ? 'INTERNAL_ERROR' : codeOf(fault.status);
    return { status: fault.status, headers, body: fault.body ?? { status: fault.status, error: `${code}: injected fault` } };
  }

  /**
   * Authenticates, routes and validates a request. Returns the answer when it is refused, or the
   * function that carries it out (and answers) when it is admitted.
   */
  private admit(record: RecordedRequest, remoteAddress: string | undefined): Answer | (() => Answer) {
    const now = Date.now();
    const headers: Record<string, string> = {};
    let operation: Operation | undefined;
    const refused = (error: unknown): Answer => {
      if (!(error instanceof ApiError)) throw error;
      return checked(operation, { status: error.status, headers: { ...headers, ...error.headers }, body: error.body });
    };
    try {
      const { key, keyId } = this.authenticate(record.headers.authorization, remoteAddress, now);
      record.keyId = keyId;
      if (this.options.rateLimit) this.consumeRateLimit(key, now, this.options.rateLimit, headers);
      const matched = this.route(record.method, record.path);
      operation = matched.operation;
      const params = matched.params;
      if (!sameId(params.organizationId ?? '', this.organizationId)) {
        throw notFound(`Organization ${params.organizationId} not found`);
      }
      if (params.serviceId !== undefined && !sameId(params.serviceId, this.serviceId)) {
        throw notFound(`Service ${params.serviceId} not found`);
      }
      // The vendor: "The developer role has read-only permissions ... the admin role has full read
      // and write permissions"; managing keys is an admin's job even when only reading them.
      const allowed: Role[] = operation.method === 'GET' && !operation.template.includes('/keys') ? ['admin', 'developer'] : ['admin'];
      if (!key.roles.some((role) => allowed.includes(role))) {
        throw apiError(403, `The key's roles (${key.roles.join(', ')}) do not allow ${record.method} ${operation.template}`);
      }
      const query = validateQuery(operation, new URLSearchParams(record.query));
      const body = parseBody(operation, record.headers['content-type'], record.rawBody);
      const handler = this.handlers[`${operation.method} ${operation.template}`] as Handler;
      const admitted = operation;
      return () => {
        try {
          const { result } = handler({ params, query, body, key, now });
          const envelope = { status: 200, requestId: randomUUID(), ...(result === undefined ? {} : { result }) };
          return checked(admitted, { status: 200, headers, body: envelope });
        } catch (error) {
          return refused(error);
        }
      };
    } catch (error) {
      return refused(error);
    }
  }

  private authenticate(
    authorization: string | undefined,
    remoteAddress: string | undefined,
    now: number,
  ): { key: KeyRecord; keyId: string } {
    const match = /^Basic +([A-Za-z0-9+/]+=*) *$/i.exec(authorization ?? '');
    const credentials = match ? Buffer.from(match[1] as string, 'base64').toString('utf8') : '';
    const colon = credentials.indexOf(':');
    if (colon < 0) throw KEY_NOT_FOUND;
    const keyId = credentials.slice(0, colon);
    const key = this.keyRecords.find((k) => k.keyIdHash === sha256Base64(keyId));
    if (!key || key.keySecretHash !== sha256Base64(credentials.slice(colon + 1))) throw KEY_NOT_FOUND;
    if (key.state !== 'enabled' || (key.expireAt !== null && Date.parse(key.expireAt) <= now)) {
      throw new ApiError(401, { requestId: randomUUID(), error: 'UNAUTHORIZED: Key is not active', status: 401 });
    }
    if (!ipAllowed(key.ipAccessList, remoteAddress)) throw IP_NOT_ALLOWED;
    key.usedAt = new Date(now).toISOString();
    return { key, keyId };
  }

  private consumeRateLimit(
    key: KeyRecord,
    now: number,
    { limit, windowMs }: { limit: number; windowMs: number },
    headers: Record<string, string>,
  ): void {
    let window = this.windows.get(key.id);
    if (!window || now >= window.start + windowMs) {
      window = { start: now, count: 0 };
      this.windows.set(key.id, window);
    }
    window.count += 1;
    Object.assign(headers, rateLimitHeaders(limit, windowMs, limit - window.count, window.start + windowMs - now));
    if (window.count > limit) throw new ApiError(429, { error: 'TOO_MANY_REQUESTS' });
  }

  private route(method: string, path: string) {
    const candidates = this.api.operations
      .map((operation) => ({ operation, match: operation.pattern.exec(path) }))
      .filter((c): c is { operation: Operation; match: RegExpExecArray } => c.match !== null);
    const chosen = candidates.find((c) => c.operation.method === method);
    if (!chosen) {
      if (candidates.length === 0) throw notFound(`No route for ${path}`);
      const allow = candidates.map((c) => c.operation.method).join(', ');
      throw new ApiError(405, { status: 405, error: `METHOD_NOT_ALLOWED: ${method} is not allowed on ${path}` }, { Allow: allow });
    }
    const params: Record<string, string> = {};
    for (const [index, parameter] of chosen.operation.pathParams.entries()) {
      let value: string;
      try {
        value = decodeURIComponent(chosen.match[index + 1] as string);
      } catch {
        throw badRequest(`path parameter '${parameter.name}' is not valid percent-encoding`);
      }
      if (!parameter.validate(value)) {
        throw badRequest(describeErrors(parameter.validate.errors, `path parameter '${parameter.name}'`));
      }
      params[parameter.name] = value;
    }
    return { operation: chosen.operation, params };
  }

  private organization() {
    return {
      id: this.organizationId,
      createdAt: this.createdAt,
      name: 'Emulated organization',
      privateEndpoints: this.privateEndpoints(),
      byocConfig: [],
    };
  }

  private service() {
    const host = `${this.serviceId.slice(0, 8)}.${REGION}.${PROVIDER}.clickhouse.cloud`;
    return {
      id: this.serviceId,
      name: 'emulated-service',
      provider: PROVIDER,
      region: REGION,
      state: 'running',
      clickhouseVersion: '25.8.1.1',
      endpoints: [
        { protocol: 'https', host, port: 8443 },
        { protocol: 'nativesecure', host, port: 9440 },
      ],
      minReplicaMemoryGb: 8,
      maxReplicaMemoryGb: 120,
      numReplicas: 3,
      idleScaling: true,
      idleTimeoutMinutes: 15,
      ipAccessList: [ALLOW_ANYWHERE],
      createdAt: this.createdAt,
      privateEndpointIds: this.endpoints.map((e) => e.id),
      availablePrivateEndpointIds: [],
      dataWarehouseId: this.serviceId,
      isPrimary: true,
      isReadonly: false,
      releaseChannel: 'default',
      hasTransparentDataEncryption: false,
    };
  }

  private endpointServiceName(region = REGION): string {
    return `com.amazonaws.vpce.${region}.vpce-svc-${createHash('sha256').update(region).digest('hex').slice(0, 17)}`;
  }

  private privateDnsHostname(): string {
    return `${this.serviceId.slice(0, 8)}.${REGION}.vpce.${PROVIDER}.clickhouse.cloud`;
  }

  private regionConfig({ query }: Context) {
    const provider = query.get('cloud_provider') as string;
    const region = query.get('region_id') as string;
    // Both parameters are plain strings in the document; their descriptions name the values.
    const providers = this.api.enumOf('InstancePrivateEndpoint', 'cloudProvider');
    if (!providers.includes(provider)) throw badRequest(`query parameter 'cloud_provider' must be one of ${providers.join(', ')}`);
    const regions = this.api.enumOf('InstancePrivateEndpoint', 'region');
    if (!regions.includes(region)) throw badRequest(`query parameter 'region_id' must be one of ${regions.join(', ')}`);
    const endpointServiceIds: Record<string, string> = {
      aws: this.endpointServiceName(region),
      gcp: `projects/clickhouse-cloud/regions/${region}/serviceAttachments/production-${region}-clickhouse-cloud`,
      azure: `production-${region}-clickhouse-cloud.${this.organizationId}.${region}.azure.privatelinkservice`,
    };
    return { endpointServiceId: endpointServiceIds[provider] };
  }

  private findKey(id: string | undefined): KeyRecord {
    const key = this.keyRecords.find((k) => sameId(k.id, id ?? ''));
    if (!key) throw notFound(`Key ${id} not found`);
    return key;
  }

  private createKey({ body, now }: Context) {
    const roles = body.roles as Role[] | undefined;
    if (roles === undefined || roles.length === 0) throw badRequest(`'roles' must contain at least 1 element`);
    const expireAt = body.expireAt as string | null | undefined;
    if (typeof expireAt === 'string' && !(Date.parse(expireAt) > now)) throw badRequest(`'expireAt' must be in the future`);
    const ipAccessList = (body.ipAccessList as IpAccessListEntry[] | undefined) ?? [ALLOW_ANYWHERE];
    for (const [index, entry] of ipAccessList.entries()) {
      if (entry.source === undefined) throw badRequest(`'ipAccessList[${index}].source' is required`);
      if (!parseIpv4Source(entry.source)) {
        throw badRequest(`'ipAccessList[${index}].source' must be an IPv4 address or IPv4 CIDR, got '${entry.source}'`);
      }
    }
    const hashData = body.hashData as Schemas['ApiKeyHashData'] | undefined;
    let credentials: { keyId: string; keySecret: string } | undefined;
    let hashes: { keyIdHash: string; keySecretHash: string; keySuffix: string };
    if (hashData) {
      const { keyIdHash, keyIdSuffix, keySecretHash } = hashData;
      for (const [name, value] of Object.entries({ keyIdHash, keyIdSuffix, keySecretHash })) {
        if (value === undefined) throw badRequest(`'hashData.${name}' is required`);
      }
      if ([...(keyIdSuffix as string)].length !== 4) throw badRequest(`'hashData.keyIdSuffix' must be exactly 4 characters`);
      for (const [name, value] of Object.entries({ keyIdHash, keySecretHash })) {
        if (!isSha256Base64(value as string)) {
          throw badRequest(`'hashData.${name}' must be the padded base64 of a 32-byte SHA-256 digest`);
        }
      }
      hashes = { keyIdHash: keyIdHash as string, keySecretHash: keySecretHash as string, keySuffix: keyIdSuffix as string };
    } else {
      credentials = { keyId: randomAlphanumeric(20), keySecret: `4b1d${randomAlphanumeric(38)}` };
      hashes = {
        keyIdHash: sha256Base64(credentials.keyId),
        keySecretHash: sha256Base64(credentials.keySecret),
        keySuffix: credentials.keyId.slice(-4),
      };
    }
    if (this.keyRecords.some((k) => k.keyIdHash === hashes.keyIdHash)) throw badRequest('A key with this key ID already exists');
    if (this.keyRecords.length >= MAX_KEYS_PER_ORGANIZATION) {
      throw badRequest(`An organization can hold at most ${MAX_KEYS_PER_ORGANIZATION} API keys`);
    }
    const record: KeyRecord = {
      id: randomUUID(),
      name: body.name as string | undefined,
      state: (body.state as KeyRecord['state'] | undefined) ?? 'enabled',
      roles,
      createdAt: new Date(now).toISOString(),
      // Stored as an instant, as a server keeps timestamps, so it comes back in canonical form.
      expireAt: typeof expireAt === 'string' ? new Date(expireAt).toISOString() : null,
      usedAt: undefined,
      ipAccessList,
      ...hashes,
    };
    this.keyRecords.push(record);
    return { key: toApiKey(record), ...credentials };
  }

  private deleteKey({ params, key: authenticating }: Context) {
    const key = this.findKey(params.keyId);
    if (key === authenticating) {
      throw badRequest('Only a key not used to authenticate the active request can be deleted');
    }
    this.keyRecords.splice(this.keyRecords.indexOf(key), 1);
    this.windows.delete(key.id);
    return {};
  }

  private createPrivateEndpoint({ body }: Context): InstancePrivateEndpoint {
    const id = body.id as string | undefined;
    if (id === undefined || id === '') throw badRequest(`'id' is required`);
    if (this.endpoints.some((e) => e.id === id)) throw badRequest(`Private endpoint ${id} already exists`);
    const endpoint: InstancePrivateEndpoint = {
      id,
      ...(body.description === undefined ? {} : { description: body.description as string }),
      cloudProvider: PROVIDER,
      region: REGION,
    };
    this.endpoints.push(endpoint);
    return structuredClone(endpoint);
  }

  private createRpe({ body, now }: Context): ReversePrivateEndpoint {
    const description = body.description as string | undefined;
    if (description === undefined || description === '') throw badRequest(`'description' is required`);
    if ([...description].length > 255) throw badRequest(`'description' must be at most 255 characters`);
    const type = body.type as RpeType | undefined;
    if (type === undefined) throw badRequest(`'type' is required`);
    const own = RPE_TYPE_FIELDS[type];
    for (const field of RPE_FIELDS) {
      const given = body[field] !== undefined && body[field] !== null;
      if (own.includes(field) && (!given || body[field] === '')) throw badRequest(`'${field}' is required for type ${type}`);
      if (!own.includes(field) && given) throw badRequest(`'${field}' does not apply to type ${type}`);
    }
    const endpointId = `vpce-${randomHex(17)}`;
    const endpoint: RpeRecord['endpoint'] = {
      description,
      type,
      ...Object.fromEntries(RPE_FIELDS.map((field) => [field, body[field] ?? null])),
      id: randomUUID(),
      serviceId: this.serviceId,
      endpointId,
      dnsNames: [`${endpointId}-${randomAlphanumeric(8).toLowerCase()}.${REGION}.vpce.amazonaws.com`],
      privateDnsNames: [],
      status: 'Provisioning',
    };
    this.rpes.push({ endpoint, createdAt: now, polls: 0, finalStatus: this.nextRpeStatus ?? 'Ready' });
    this.nextRpeStatus = undefined;
    return structuredClone(endpoint);
  }

  private findRpe(id: string | undefined): RpeRecord {
    const rpe = this.rpes.find((r) => sameId(r.endpoint.id as string, id ?? ''));
    if (!rpe) throw notFound(`Reverse private endpoint ${id} not found`);
    return rpe;
  }

  private advance(rpe: RpeRecord, now: number): ReversePrivateEndpoint {
    const { readyAfterMs, readyAfterPolls = 2 } = this.options;
    const due = readyAfterMs === undefined ? rpe.polls >= readyAfterPolls : now - rpe.createdAt >= readyAfterMs;
    if (rpe.endpoint.status === 'Provisioning' && due) rpe.endpoint.status = rpe.finalStatus;
    return structuredClone(rpe.endpoint);
  }

  private control(method: string, path: string, rawBody: string): Answer {
    const ok = (body: unknown): Answer => ({ status: 200, headers: {}, body });
    if (method === 'GET' && path === '/_emulator/requests') return ok(this.requests);
    if (method === 'GET' && path === '/_emulator/state') {
      return ok({
        organizationId: this.organizationId,
        serviceId: this.serviceId,
        keys: this.keys(),
        privateEndpoints: this.privateEndpoints(),
        reversePrivateEndpoints: this.reversePrivateEndpoints(),
      });
    }
    if (method === 'POST' && path === '/_emulator/faults') {
      const rule = parseJson(rawBody) as (Omit<FaultRule, 'path'> & { path?: string }) | undefined;
      if (!faultRuleValidator(rule)) {
        return { status: 400, headers: {}, body: { error: describeErrors(faultRuleValidator.errors, 'fault rule') } };
      }
      let path: RegExp | undefined;
      try {
        path = rule.path === undefined ? undefined : new RegExp(rule.path);
      } catch (error) {
        return { status: 400, headers: {}, body: { error: `'path' is not a regular expression: ${String(error)}` } };
      }
      this.addFault({ ...rule, path });
      return ok({ added: rule });
    }
    return { status: 404, headers: {}, body: { error: `No control route ${method} ${path}` } };
  }
}

function toApiKey(record: KeyRecord): ApiKey {
  return {
    id: record.id,
    ...(record.name === undefined ? {} : { name: record.name }),
    state: record.state,
    roles: [...record.roles],
    keySuffix: record.keySuffix,
    createdAt: record.createdAt,
    expireAt: record.expireAt,
    ...(record.usedAt === undefined ? {} : { usedAt: record.usedAt }),
    ipAccessList: structuredClone(record.ipAccessList),
  };
}

function validateQuery(operation: Operation, query: URLSearchParams): URLSearchParams {
  for (const name of new Set(query.keys())) {
    const parameter = operation.queryParams.find((p) => p.name === name);
    if (!parameter) throw badRequest(`unknown query parameter '${name}'`);
    const values = query.getAll(name);
    if (values.length > 1) throw badRequest(`query parameter '${name}' is given more than once`);
    if (!parameter.validate(values[0])) {
      throw badRequest(describeErrors(parameter.validate.errors, `query parameter '${name}'`));
    }
  }
  const missing = operation.queryParams.find((p) => p.required && !query.has(p.name));
  if (missing) throw badRequest(`query parameter '${missing.name}' is required`);
  return query;
}

function parseBody(operation: Operation, contentType: string | undefined, rawBody: string): Record<string, unknown> {
  if (!operation.validateBody) {
    if (rawBody !== '') throw badRequest(`${operation.method} ${operation.template} takes no request body`);
    return {};
  }
  if (!/^application\/json\s*(;|$)/i.test(contentType ?? '')) {
    throw badRequest(`Content-Type must be application/json, got '${contentType ?? ''}'`);
  }
  let body: unknown;
  try {
    body = JSON.parse(rawBody);
  } catch (error) {
    throw badRequest(`request body is not valid JSON: ${(error as Error).message}`);
  }
  if (typeof body !== 'object' || body === null || Array.isArray(body)) throw badRequest('request body must be a JSON object');
  if (!operation.validateBody(body)) {
    throw badRequest(`Invalid request body: ${describeErrors(operation.validateBody.errors, 'request body')}`);
  }
  return body as Record<string, unknown>;
}

/**
 * An answer the document describes (200 or 400 of a known operation) must match its schema; if
 * the emulator ever produces one that does not, it says so with a 500 rather than teach a client
 * a shape the real API never sends.
 */
function checked(operation: Operation | undefined, answer: Answer): Answer {
  const validate = operation?.responses.get(answer.status);
  const problem = validate && !validate(answer.body) ? describeErrors(validate.errors, 'response') : envelopeProblem(operation, answer);
  if (!problem) return answer;
  return { status: 500, headers: {}, body: { status: 500, error: `INTERNAL_ERROR: emulator response violates the document: ${problem}` } };
}

/** The envelope the document describes but does not mark required: status and requestId on a 200, result but on DELETE. */
function envelopeProblem(operation: Operation | undefined, answer: Answer): string | undefined {
  if (answer.status !== 200 || !operation) return undefined;
  const body = answer.body as Record<string, unknown>;
  if (body.status !== 200 || typeof body.requestId !== 'string') return 'a 200 body needs status 200 and a requestId';
  if ((operation.method === 'DELETE') !== (body.result === undefined)) return 'a DELETE answers no result; every other operation does';
  return undefined;
}

function parseJson(raw: string): unknown {
  try {
    return raw === '' ? undefined : JSON.parse(raw);
  } catch {
    return undefined;
  }
}

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}

function send(res: ServerResponse, answer: Answer): void {
  const payload = JSON.stringify(answer.body);
  res.writeHead(answer.status, {
    ...answer.headers,
    'Content-Type': 'application/json',
    'Content-Length': String(Buffer.byteLength(payload)),
  });
  res.end(payload);
}

function sendGarbled(res: ServerResponse, answer: Answer, as: Garble): void {
  const whole = JSON.stringify(answer.body);
  const half = whole.slice(0, Math.floor(whole.length / 2));
  if (as === 'html') {
    const page = '<!DOCTYPE html><html><head><title>Proxy sign-in</title></head><body>Sign in to continue</body></html>';
    res.writeHead(200, { 'Content-Type': 'text/html', 'Content-Length': String(Buffer.byteLength(page)) });
    res.end(page);
  } else if (as === 'truncated') {
    res.writeHead(200, { ...answer.headers, 'Content-Type': 'application/json', 'Content-Length': String(Buffer.byteLength(whole)) });
    res.write(half, () => res.destroy());
  } else {
    const body = as === 'no-envelope' ? '{}' : half;
    res.writeHead(200, { ...answer.headers, 'Content-Type': 'application/json', 'Content-Length': String(Buffer.byteLength(body)) });
    res.end(body);
  }
}

function sleep(ms: number): Promise<void> {
  // Unref'd: a delayed request still commits if the process lives on, but never keeps it alive.
  return new Promise((resolve) => setTimeout(resolve, ms).unref());
}

export async function startEmulator(options: EmulatorOptions = {}): Promise<Emulator> {
  const emulator = new EmulatorServer(options);
  await emulator.listen(options.port ?? 0);
  return emulator;
}
