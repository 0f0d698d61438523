import { randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Ajv } from 'ajv';
import { describeErrors, loadOpenApi, UUID, type OpenApi, type Operation } from './openapi.js';
import { Keys, type KeyOptions, type SeedKey } from './routes/keys.js';
import { PrivateEndpoints } from './routes/private-endpoints.js';
import { type ReverseEndpointOptions, ReversePrivateEndpoints } from './routes/reverse-private-endpoints.js';
import { Roles } from './routes/roles.js';
import { type SeedService, type ServiceOptions, Services, type ServiceState } from './routes/services.js';
import {
  ApiError,
  apiError,
  badRequest,
  codeOf,
  type Handler,
  ipAllowed,
  type IpAccessListEntry,
  type KeyRecord,
  notFound,
  sameId,
  type Schemas,
} from './shared.js';

export type ApiKey = Schemas['ApiKey'];
export type ReversePrivateEndpoint = Schemas['ReversePrivateEndpoint'];
export type InstancePrivateEndpoint = Schemas['InstancePrivateEndpoint'];
export type Service = Schemas['Service'];
export type { SeedService, ServiceState };

export interface EmulatorOptions extends ReverseEndpointOptions {
  /** Default 0: a free port. */
  port?: number;
  /** Default false. When set, a fixed window per authenticating key. */
  rateLimit?: { limit: number; windowMs: number } | false;
  /** The limit an injected 429 names while `rateLimit` is off (default the API's 10 per 10 s). */
  injectedRateLimit?: { limit: number; windowMs: number };
  /** Page size of GET /keys when the client sends no `limit` (default the document's 250). */
  keysPageSize?: KeyOptions['pageSize'];
  /** Answer GET /keys as the older, unpaginated server did. */
  keysUnpaginated?: KeyOptions['unpaginated'];
  /** How far the API's clock is ahead of the runner's (negative: behind), as keys' `createdAt` shows it. */
  clockOffsetMs?: KeyOptions['clockOffsetMs'];
  /**
   * Answer as the document's text says where the live API is known to differ: an unknown ID is a
   * 400 (the document lists no 404), and only a `stopped` service is deleted.
   */
  documentOnly?: boolean;
  /** A service state in motion is seen by this many answers before it settles (default 2). */
  serviceTransitionPolls?: ServiceOptions['transitionPolls'];
  /** List an added `/32` entry of the service's IP access list as the bare address. */
  serviceBareSingleAddresses?: ServiceOptions['bareSingleAddresses'];
  /** A created service's /ping answers "not ready" this many times once running, then `Ok.` (default 1). */
  servicePingFailures?: ServiceOptions['pingFailures'];
  /** A DELETE of a service in a deletable state is still answered 409 this many times first (default 0). */
  serviceDeleteConflicts?: ServiceOptions['deleteConflicts'];
  /** GET /services lists every service whatever its `filter` (default false). */
  serviceFilterIgnored?: ServiceOptions['ignoreFilter'];
  /**
   * Changes a 200's `result` after it was checked against the document, as a later API may answer
   * (extra fields, enum values the document does not list). Keyed like the document: `POST /v1/...`.
   */
  laterApi?: (operation: string, result: unknown) => unknown;
  seed?: { organizationId?: string; serviceId?: string; adminKeyId?: string; adminKeySecret?: string };
}

export interface RecordedRequest {
  method: string;
  path: string;
  /** The query string without its `?`. */
  query: string;
  /** The request's headers, `authorization` as `Basic ***` (keyId says which key it was). */
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
  /** Carries the request out, then answers a 307 to another host, as a misrouted proxy might. */
  | { kind: 'redirect-after-commit' }
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
  seedKey(key: SeedKey): { id: string; keyId: string; secret: string };
  /** The organization's roles (GET /roles), with their stable IDs. */
  roles(): Schemas['RBACRole'][];
  /** The service (default the seeded one) as GET would answer it, without counting as a poll. */
  service(id?: string): Service;
  /** Every service of the organization, the seeded one first, as GET /services would list them. */
  services(): Service[];
  /** A service made outside the action (another run's, a colleague's); returns its ID. */
  seedService(service: SeedService): string;
  setServiceState(state: ServiceState, id?: string): void;
  setServiceIpAccessList(list: IpAccessListEntry[]): void;
  reversePrivateEndpoints(): ReversePrivateEndpoint[];
  /** An endpoint made by someone else (another job), as the POST would make it; not a recorded request. */
  seedReversePrivateEndpoint(body: Schemas['CreateReversePrivateEndpoint']): ReversePrivateEndpoint;
  setReversePrivateEndpointStatus(id: string, status: string): void;
  /** The next endpoint made leaves Provisioning for this status instead of Ready. */
  settleNextReversePrivateEndpoint(status: NonNullable<ReversePrivateEndpoint['status']>): void;
  privateEndpoints(): InstancePrivateEndpoint[];
  /** Attaches an endpoint ID to the service, as another job or the console would. */
  attachPrivateEndpoint(id: string): void;
  addFault(rule: FaultRule): void;
  clearRequests(): void;
  close(): Promise<void>;
}

const DEFAULT_RATE_LIMIT = { limit: 10, windowMs: 10_000 };

interface Answer {
  status: number;
  headers: Record<string, string>;
  /** undefined: destroy the socket instead of answering. */
  body?: unknown;
}

const KEY_NOT_FOUND = new ApiError(401, { error: 'UNAUTHORIZED: Key is not found', status: 401 });
const IP_NOT_ALLOWED = new ApiError(401, { error: 'UNAUTHORIZED: IP address is not allowed', status: 401 });

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

/**
 * The API's rate limit for one key as the emulator keeps it: a fixed window that starts at the
 * first request after the last one ended. bench/fleet-sim.ts counts its simulated requests here too.
 */
export class FixedWindow {
  private start = Number.NEGATIVE_INFINITY;
  private count = 0;

  constructor(
    private readonly limit: number,
    private readonly windowMs: number,
  ) {}

  /** Counts a request at `now`: whether the window admits it, and its answer's rate-limit headers. */
  take(now: number): { admitted: boolean; headers: Record<string, string> } {
    if (now >= this.start + this.windowMs) {
      this.start = now;
      this.count = 0;
    }
    this.count += 1;
    const { limit, windowMs, count, start } = this;
    return { admitted: count <= limit, headers: rateLimitHeaders(limit, windowMs, limit - count, start + windowMs - now) };
  }
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
          properties: { kind: { enum: ['reset', 'drop-after-commit', 'redirect-after-commit'] } },
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
  private readonly faults: (FaultRule & { remaining: number })[] = [];
  private readonly windows = new Map<string, FixedWindow>();
  private readonly roleList: Roles;
  private readonly keyList: Keys;
  private readonly privateEndpointList: PrivateEndpoints;
  private readonly serviceList: Services;
  private readonly rpes: ReversePrivateEndpoints;
  private readonly handlers: Record<string, Handler>;

  constructor(private readonly options: EmulatorOptions) {
    const seed = options.seed ?? {};
    for (const id of [seed.organizationId, seed.serviceId]) {
      if (id !== undefined && !UUID.test(id)) throw new Error(`seed ID ${id} is not a UUID`);
    }
    this.organizationId = seed.organizationId ?? randomUUID();
    this.serviceId = seed.serviceId ?? randomUUID();
    this.roleList = new Roles(this.organizationId);
    this.keyList = new Keys(this.roleList, {
      pageSize: options.keysPageSize,
      unpaginated: options.keysUnpaginated,
      clockOffsetMs: options.clockOffsetMs,
    });
    this.privateEndpointList = new PrivateEndpoints(this.organizationId, this.serviceId);
    this.serviceList = new Services(this.serviceId, this.privateEndpointList, {
      transitionPolls: options.serviceTransitionPolls,
      bareSingleAddresses: options.serviceBareSingleAddresses,
      pingFailures: options.servicePingFailures,
      deleteConflicts: options.serviceDeleteConflicts,
      ignoreFilter: options.serviceFilterIgnored,
      documentOnly: options.documentOnly,
    });
    this.rpes = new ReversePrivateEndpoints(this.serviceId, options);
    this.adminKey = this.seedKey({
      name: 'emulator-admin',
      roles: ['admin'],
      ...(seed.adminKeyId === undefined ? {} : { keyId: seed.adminKeyId }),
      ...(seed.adminKeySecret === undefined ? {} : { secret: seed.adminKeySecret }),
    });
    this.handlers = {
      'GET /v1/organizations/{organizationId}': () => ({ result: this.organization() }),
      ...this.roleList.routes(),
      ...this.keyList.routes(),
      ...this.serviceList.routes(),
      ...this.privateEndpointList.routes(this.api),
      ...this.rpes.routes(),
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
    await this.serviceList.ready();
    this.url = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
  }

  close(): Promise<void> {
    this.serviceList.close();
    return new Promise((resolve) => {
      this.server.close(() => resolve());
      this.server.closeAllConnections();
    });
  }

  keys(): ApiKey[] {
    return this.keyList.records.map((record) => this.keyList.answer(record));
  }

  seedKey(key: SeedKey): { id: string; keyId: string; secret: string } {
    return this.keyList.seed(key, this.api);
  }

  roles(): Schemas['RBACRole'][] {
    return this.roleList.list();
  }

  service(id?: string): Service {
    return this.serviceList.answer(id);
  }

  services(): Service[] {
    return this.serviceList.list();
  }

  seedService(service: SeedService): string {
    return this.serviceList.seed(service);
  }

  setServiceState(state: ServiceState, id?: string): void {
    if (!this.api.enumOf('Service', 'state').includes(state)) throw new Error(`unknown service state ${state}`);
    this.serviceList.setState(state, id);
  }

  setServiceIpAccessList(list: IpAccessListEntry[]): void {
    this.serviceList.setIpAccessList(list);
  }

  reversePrivateEndpoints(): ReversePrivateEndpoint[] {
    return this.rpes.list();
  }

  seedReversePrivateEndpoint(body: Schemas['CreateReversePrivateEndpoint']): ReversePrivateEndpoint {
    return this.rpes.seed(body);
  }

  setReversePrivateEndpointStatus(id: string, status: string): void {
    this.rpes.setStatus(id, status, this.api);
  }

  settleNextReversePrivateEndpoint(status: NonNullable<ReversePrivateEndpoint['status']>): void {
    this.rpes.settleNext(status);
  }

  privateEndpoints(): InstancePrivateEndpoint[] {
    return structuredClone(this.privateEndpointList.endpoints);
  }

  attachPrivateEndpoint(id: string): void {
    this.privateEndpointList.patch({ add: [id] });
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
      // The credentials are read from the request itself: a record that a failing test prints must not decode to a secret.
      headers: Object.fromEntries(
        Object.entries(req.headers).map(([name, value]) => [
          name,
          name === 'authorization' ? 'Basic ***' : Array.isArray(value) ? value.join(', ') : (value ?? ''),
        ]),
      ),
      rawBody,
      body: parseJson(rawBody),
      status: 0,
      at: Date.now(),
    };
    this.requests.push(record);

    // A fault strikes only a request the API would accept: an invalid one is refused as usual,
    // so a fault-injection test cannot hide a request the document does not allow.
    const admitted = this.admit(record, req.headers.authorization, remoteAddress);
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
      if (fault?.kind === 'redirect-after-commit') {
        answer = { status: 307, headers: { Location: `https://elsewhere.example${record.path}` }, body: {} };
      }
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
      const { limit, windowMs } = this.options.rateLimit || this.options.injectedRateLimit || DEFAULT_RATE_LIMIT;
      // No window was really used up, so Reset says when to come back: Retry-After, or a second
      // (a shorter window's end).
      Object.assign(
        headers,
        rateLimitHeaders(limit, windowMs, 0, fault.retryAfter === undefined ? Math.min(1000, windowMs) : fault.retryAfter * 1000),
      );
      return { status: 429, headers, body: fault.body ?? { error: 'TOO_MANY_REQUESTS' } };
    }
    const code = fault.status >= 500 ? 'INTERNAL_ERROR' : codeOf(fault.status);
    return { status: fault.status, headers, body: fault.body ?? { status: fault.status, error: `${code}: injected fault` } };
  }

  /**
   * Authenticates, routes and validates a request. Returns the answer when it is refused, or the
   * function that carries it out (and answers) when it is admitted.
   */
  private admit(record: RecordedRequest, authorization: string | undefined, remoteAddress: string | undefined): Answer | (() => Answer) {
    const now = Date.now();
    const headers: Record<string, string> = {};
    let operation: Operation | undefined;
    const refused = (error: unknown): Answer => {
      if (!(error instanceof ApiError)) throw error;
      const { status, body } = this.options.documentOnly && error.status === 404 ? asBadRequest(error) : error;
      return checked(operation, { status, headers: { ...headers, ...error.headers }, body });
    };
    try {
      const { key, keyId } = this.authenticate(authorization, remoteAddress, now);
      record.keyId = keyId;
      if (this.options.rateLimit) this.consumeRateLimit(key, now, this.options.rateLimit, headers);
      const matched = this.route(record.method, record.path);
      operation = matched.operation;
      const params = matched.params;
      if (!sameId(params.organizationId ?? '', this.organizationId)) {
        throw notFound(`Organization ${params.organizationId} not found`);
      }
      if (params.serviceId !== undefined && !this.serviceList.has(params.serviceId)) {
        throw notFound(`Service ${params.serviceId} not found`);
      }
      // Endpoints are emulated on the seeded service only; any other answers as if it had none.
      if (params.serviceId !== undefined && !sameId(params.serviceId, this.serviceId) && /Endpoint/.test(matched.operation.template)) {
        throw notFound(`The emulator serves endpoints only on its seeded service ${this.serviceId}`);
      }
      const query = validateQuery(operation, new URLSearchParams(record.query));
      const body = parseBody(operation, record.headers['content-type'], record.rawBody);
      // The vendor: "The developer role has read-only permissions ... the admin role has full read
      // and write permissions"; managing keys is an admin's job even when only reading them, and
      // `awake` needs only view permission.
      const viewing =
        (operation.method === 'GET' && !operation.template.includes('/keys')) ||
        (operation.template.endsWith('/state') && body.command === 'awake');
      const viewer = key.roles.includes('developer') || key.assignedRoleIds.length > 0;
      if (!this.keyList.isAdmin(key) && !(viewing && viewer)) {
        throw apiError(
          403,
          `The key's roles (${[...key.roles, ...key.assignedRoleIds].join(', ')}) do not allow ${record.method} ${operation.template}`,
        );
      }
      const handler = this.handlers[`${operation.method} ${operation.template}`] as Handler;
      const admitted = operation;
      return () => {
        try {
          const { result, envelope: pagination } = handler({ params, query, body, key, now });
          const envelope = { status: 200, requestId: randomUUID(), ...(result === undefined ? {} : { result }), ...pagination };
          return this.later(admitted, checked(admitted, { status: 200, headers, body: envelope }));
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
    const key = this.keyList.find(keyId, credentials.slice(colon + 1));
    if (!key) throw KEY_NOT_FOUND;
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
    if (!window) this.windows.set(key.id, (window = new FixedWindow(limit, windowMs)));
    const taken = window.take(now);
    Object.assign(headers, taken.headers);
    if (!taken.admitted) throw new ApiError(429, { error: 'TOO_MANY_REQUESTS' });
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

  /** A later API's answer: what `laterApi` makes of a checked 200's result. */
  private later(operation: Operation, answer: Answer): Answer {
    const body = answer.body as { result?: unknown } | undefined;
    if (!this.options.laterApi || answer.status !== 200 || body?.result === undefined) return answer;
    return { ...answer, body: { ...body, result: this.options.laterApi(`${operation.method} ${operation.template}`, body.result) } };
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
        services: this.services(),
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

/** A 404 as a server that keeps to the document's error list (400 only) answers it. */
function asBadRequest(error: ApiError): ApiError {
  const text = (error.body as { error?: string }).error ?? '';
  return badRequest(text.replace(/^NOT_FOUND: /, ''));
}

function validateQuery(operation: Operation, query: URLSearchParams): URLSearchParams {
  for (const name of new Set(query.keys())) {
    const parameter = operation.queryParams.find((p) => p.name === name);
    if (!parameter) throw badRequest(`unknown query parameter '${name}'`);
    const values = query.getAll(name);
    if (values.length > 1 && !parameter.array) throw badRequest(`query parameter '${name}' is given more than once`);
    if (!parameter.validate(parameter.array ? values : values[0])) {
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
