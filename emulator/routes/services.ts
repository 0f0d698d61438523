import { randomUUID } from 'node:crypto';
import { PingHosts, type PingAnswer, type PingHost } from '../ping.js';
import {
  ALLOW_ANYWHERE,
  ApiError,
  badRequest,
  checkIpAccessList,
  type Context,
  type IpAccessListEntry,
  notFound,
  PROVIDER,
  randomAlphanumeric,
  REGION,
  type Resource,
  type Routes,
  type Schemas,
  sha256Base64,
} from '../shared.js';
import type { PrivateEndpoints } from './private-endpoints.js';

type Service = Schemas['Service'];
export type ServiceState = NonNullable<Service['state']>;
type Command = NonNullable<Schemas['ServiceStatePatchRequest']['command']>;
type Tag = Schemas['ResourceTagsV1'];

/** Where a state in motion ends up, once enough polls have seen it. */
const SETTLES_TO: Partial<Record<ServiceState, ServiceState>> = {
  starting: 'running',
  awaking: 'running',
  provisioning: 'running',
  partially_running: 'running',
  stopping: 'stopped',
  terminating: 'terminated',
  softdeleting: 'softdeleted',
};
const BROKEN: ServiceState[] = ['failed', 'degraded', 'terminating', 'terminated', 'softdeleting', 'softdeleted'];
/** The states the live API deletes, in the order its 409 lists them. */
const DELETABLE: ServiceState[] = ['provisioning', 'starting', 'awaking', 'idle', 'stopped', 'degraded', 'failed'];

export interface ServiceOptions {
  /** A state in motion is seen by this many answers (the command's, then GETs) before it settles (default 2). */
  transitionPolls?: number;
  /** Store and list an added `a.b.c.d/32` as the bare address `a.b.c.d`, as a live API may (default false). */
  bareSingleAddresses?: boolean;
  /** A created service's /ping answers "not ready" this many times once it is running, then `Ok.` (default 1). */
  pingFailures?: number;
  /** Delete only a `stopped` service, refusing others with 400, as the document's text says (default: the live 409's states). */
  documentOnly?: boolean;
  /** A DELETE of a service in a state the API deletes is still answered 409 this many times (default 0), as the vendor's provider reports. */
  deleteConflicts?: number;
  /** List every service whatever `filter` says, as an older or careless server might (default false). */
  ignoreFilter?: boolean;
}

export interface SeedService {
  name: string;
  tags?: Tag[];
  state?: ServiceState;
  createdAt?: string;
}

interface ServiceRecord {
  id: string;
  name: string;
  provider: NonNullable<Service['provider']>;
  region: NonNullable<Service['region']>;
  state: ServiceState;
  /** Answers that have seen the current state in motion. */
  polls: number;
  ipAccessList: IpAccessListEntry[];
  createdAt: string;
  tags?: Tag[];
  /** The loopback HTTPS interface of a created service; the seeded one has a made-up host. */
  ping?: PingHost;
  pingsWhileRunning: number;
  conflictsLeft: number;
  passwordHash?: string;
}

/**
 * The organization's services: the seeded one (with its IP access list and private endpoints)
 * and those created through POST /services. Each has the state machine: commands start a
 * transition, and polls (GET service) move it on, as a real service moves on while a client polls.
 * A deleted service is `terminating` for a poll, then gone (404).
 */
export class Services implements Resource {
  private readonly records: ServiceRecord[];
  private readonly pingHosts = new PingHosts();

  constructor(
    private readonly serviceId: string,
    private readonly privateEndpoints: PrivateEndpoints,
    private readonly options: ServiceOptions,
  ) {
    this.records = [
      {
        id: serviceId,
        name: 'emulated-service',
        provider: PROVIDER,
        region: REGION,
        state: 'running',
        polls: 0,
        ipAccessList: [ALLOW_ANYWHERE],
        createdAt: new Date().toISOString(),
        pingsWhileRunning: 0,
        conflictsLeft: options.deleteConflicts ?? 0,
      },
    ];
  }

  /** Readies the loopback servers the next creates hand out. */
  ready(): Promise<void> {
    return this.pingHosts.fill();
  }

  close(): void {
    this.pingHosts.close();
  }

  has(id: string): boolean {
    return this.records.some((record) => record.id === id);
  }

  setState(state: ServiceState, id = this.serviceId): void {
    const record = this.get(id);
    record.state = state;
    record.polls = 0;
  }

  setIpAccessList(list: IpAccessListEntry[]): void {
    checkIpAccessList(list, 'ipAccessList');
    this.get(this.serviceId).ipAccessList = structuredClone(list);
  }

  /** A service made outside the action (another run's, a colleague's), as the API would list it. */
  seed(service: SeedService): string {
    const record = this.newRecord(service.name, PROVIDER, REGION, [ALLOW_ANYWHERE], service.tags);
    record.state = service.state ?? 'running';
    if (service.createdAt) record.createdAt = service.createdAt;
    // Seeded back to back, some may find no loopback server ready: they keep a made-up host.
    record.ping = this.pingHosts.take(() => this.ping(record));
    this.records.push(record);
    return record.id;
  }

  answer(id = this.serviceId): Service {
    return this.answerOf(this.get(id));
  }

  list(): Service[] {
    return this.records.map((record) => this.answerOf(record));
  }

  routes(): Routes {
    return {
      'GET /v1/organizations/{organizationId}/services': (c) => ({ result: this.filtered(c.query.getAll('filter')) }),
      'POST /v1/organizations/{organizationId}/services': (c) => ({ result: this.create(c) }),
      'GET /v1/organizations/{organizationId}/services/{serviceId}': (c) => {
        const record = this.get(c.params.serviceId);
        this.advance(record);
        return { result: this.answerOf(this.get(c.params.serviceId)) };
      },
      'PATCH /v1/organizations/{organizationId}/services/{serviceId}': (c) => ({ result: this.patch(c) }),
      'DELETE /v1/organizations/{organizationId}/services/{serviceId}': (c) => this.delete(c),
      'PATCH /v1/organizations/{organizationId}/services/{serviceId}/state': (c) => ({
        result: this.command(this.get(c.params.serviceId), c.body.command as Command),
      }),
      'PATCH /v1/organizations/{organizationId}/services/{serviceId}/password': (c) => ({ result: this.newPassword(c) }),
    };
  }

  private get(id: string | undefined): ServiceRecord {
    const record = this.records.find((r) => r.id === id);
    if (!record) throw notFound(`Service ${id} not found`);
    return record;
  }

  private newRecord(
    name: string,
    provider: ServiceRecord['provider'],
    region: ServiceRecord['region'],
    ipAccessList: IpAccessListEntry[],
    tags: Tag[] | undefined,
  ): ServiceRecord {
    return {
      id: randomUUID(),
      name,
      provider,
      region,
      state: 'provisioning',
      polls: 0,
      ipAccessList,
      createdAt: new Date().toISOString(),
      ...(tags ? { tags: structuredClone(tags) } : {}),
      pingsWhileRunning: 0,
      conflictsLeft: this.options.deleteConflicts ?? 0,
    };
  }

  private answerOf(record: ServiceRecord): Service {
    const host = `${record.id.slice(0, 8)}.${record.region}.${record.provider}.clickhouse.cloud`;
    const https = record.ping
      ? { protocol: 'https' as const, host: record.ping.host, port: record.ping.port }
      : { protocol: 'https' as const, host, port: 8443 };
    return {
      id: record.id,
      name: record.name,
      provider: record.provider,
      region: record.region,
      state: record.state,
      clickhouseVersion: '25.8.1.1',
      endpoints: [https, { protocol: 'nativesecure', host, port: 9440 }],
      minReplicaMemoryGb: 8,
      maxReplicaMemoryGb: 120,
      numReplicas: 3,
      autoscalingMode: 'vertical',
      currentScaling: {
        effectiveAutoscalingMode: 'vertical',
        effectiveMinReplicaMemoryGb: 8,
        effectiveMaxReplicaMemoryGb: 120,
        effectiveMinReplicas: 3,
        effectiveMaxReplicas: 3,
        effectiveIdleScaling: true,
        effectiveIdleTimeoutMinutes: 15,
      },
      idleScaling: true,
      idleTimeoutMinutes: 15,
      ipAccessList: structuredClone(record.ipAccessList),
      createdAt: record.createdAt,
      privateEndpointIds: record.id === this.serviceId ? this.privateEndpoints.ids() : [],
      availablePrivateEndpointIds: [],
      dataWarehouseId: record.id,
      isPrimary: true,
      isReadonly: false,
      releaseChannel: 'default',
      hasTransparentDataEncryption: false,
      ...(record.tags ? { tags: structuredClone(record.tags) } : {}),
    };
  }

  /** `tag:Key=Value` matches that value, `tag:Key` any value; several filters must all match. */
  private filtered(filters: string[]): Service[] {
    const tests = filters.map((filter) => {
      const match = /^tag:([^=]+)(?:=(.*))?$/.exec(filter);
      if (!match) throw badRequest(`'filter' ${filter} is not a filter this API knows (only tag:Key or tag:Key=Value)`);
      const [, key, value] = match;
      return (record: ServiceRecord) => (record.tags ?? []).some((tag) => tag.key === key && (value === undefined || tag.value === value));
    });
    return this.records
      .filter((record) => this.options.ignoreFilter || tests.every((test) => test(record)))
      .map((record) => this.answerOf(record));
  }

  private create({ body }: Context) {
    // As live: the document marks nothing required, the API does (vendor Terraform issue #30).
    if (!Array.isArray(body.ipAccessList)) throw badRequest('request body.ipAccessList value is not an array: undefined');
    for (const field of ['name', 'provider', 'region'])
      if (body[field] === undefined) throw badRequest(`request body.${field} is required`);
    checkIpAccessList(body.ipAccessList as IpAccessListEntry[], 'ipAccessList');
    const tags = body.tags as Tag[] | undefined;
    const keys = (tags ?? []).map((tag) => tag.key);
    if (new Set(keys).size !== keys.length) throw badRequest(`'tags' names a key twice`);
    const record = this.newRecord(
      body.name as string,
      body.provider as ServiceRecord['provider'],
      body.region as ServiceRecord['region'],
      structuredClone(body.ipAccessList as IpAccessListEntry[]),
      tags,
    );
    const password = this.setPassword(record);
    record.ping = this.pingHosts.take(() => this.ping(record));
    if (!record.ping)
      throw new ApiError(500, { status: 500, error: 'INTERNAL_ERROR: creates came faster than the emulator can listen for /ping' });
    // The create's own answer is the first sighting of `provisioning`.
    record.polls = 1;
    this.records.push(record);
    return { service: this.answerOf(record), password };
  }

  private ping(record: ServiceRecord): PingAnswer {
    if (record.state !== 'running') return { status: 503, body: `Service is ${record.state}` };
    record.pingsWhileRunning += 1;
    if (record.pingsWhileRunning <= (this.options.pingFailures ?? 1)) return { status: 503, body: 'Service is starting up' };
    return { status: 200, body: 'Ok.\n' };
  }

  private setPassword(record: ServiceRecord): string {
    const password = randomAlphanumeric(16);
    record.passwordHash = sha256Base64(password);
    return password;
  }

  /** An empty body: a new password, answered once. A hash: stored, and nothing answered. */
  private newPassword({ params, body }: Context) {
    const record = this.get(params.serviceId);
    if (typeof body.newPasswordHash === 'string') {
      record.passwordHash = body.newPasswordHash;
      return {};
    }
    return { password: this.setPassword(record) };
  }

  private advance(record: ServiceRecord): void {
    const next = SETTLES_TO[record.state];
    if (!next) return;
    if (record.polls < (this.options.transitionPolls ?? 2)) {
      record.polls += 1;
      return;
    }
    if (next === 'terminated' && record.id !== this.serviceId) {
      // Deleted: gone from every answer from now on.
      record.ping?.close();
      this.records.splice(this.records.indexOf(record), 1);
      return;
    }
    this.setState(next, record.id);
  }

  private delete({ params }: Context) {
    const record = this.get(params.serviceId);
    // The document's own words: the service "must be in stopped state", and 400 is its only error.
    if (this.options.documentOnly && record.state !== 'stopped') {
      throw badRequest(`Service must be in stopped state to be deleted. Current state: '${record.state}'`);
    }
    const conflict = !DELETABLE.includes(record.state) || record.conflictsLeft > 0;
    if (DELETABLE.includes(record.state) && record.conflictsLeft > 0) record.conflictsLeft -= 1;
    if (conflict) {
      const listed = DELETABLE.map((state) => `'${state}'`).join(',');
      throw new ApiError(409, {
        status: 409,
        error: `CONFLICT: Only instance in one of the following states: ${listed} can be terminated. Current state: '${record.state}'`,
      });
    }
    // Asynchronous, as live: GET still answers the service (terminating) before it is gone.
    this.setState('terminating', record.id);
    return {};
  }

  /** `ipAccessList` and `privateEndpointIds` changes (remove first, then add); other fields are not emulated. */
  private patch({ params, body }: Context): Service {
    const record = this.get(params.serviceId);
    const others = Object.keys(body).filter((field) => field !== 'ipAccessList' && field !== 'privateEndpointIds');
    if (others.length > 0) throw badRequest(`the emulator does not change ${others.join(', ')}`);
    const access = body.ipAccessList as Schemas['IpAccessListPatch'] | undefined;
    if (access) {
      checkIpAccessList(access.remove ?? [], 'ipAccessList.remove');
      checkIpAccessList(access.add ?? [], 'ipAccessList.add');
      const removed = new Set((access.remove ?? []).map((entry) => entry.source));
      const list = record.ipAccessList.filter((entry) => !removed.has(entry.source));
      for (const added of access.add ?? []) {
        const entry = this.options.bareSingleAddresses ? { ...added, source: added.source?.replace(/\/32$/, '') } : added;
        // The document does not say a duplicate source is fine, so a strict server refuses it.
        if (list.some((listed) => listed.source === entry.source)) throw badRequest(`'${entry.source}' is already in the IP access list`);
        list.push(entry);
      }
      record.ipAccessList = list;
    }
    const endpoints = body.privateEndpointIds as Schemas['InstancePrivateEndpointsPatch'] | undefined;
    if (endpoints) {
      if (record.id !== this.serviceId) throw badRequest('the emulator attaches private endpoints only to its seeded service');
      this.privateEndpoints.patch(endpoints);
    }
    return this.answerOf(record);
  }

  private command(record: ServiceRecord, command: Command): Service {
    if (BROKEN.includes(record.state)) throw badRequest(`Service is ${record.state}; it cannot ${command}`);
    const refuse = (why: string) => badRequest(`Cannot ${command} a service that is ${record.state}: ${why}`);
    if (command === 'start') {
      if (record.state === 'stopping') throw refuse('wait until it is stopped');
      if (record.state === 'stopped') this.setState('starting', record.id);
      else if (record.state === 'idle') this.setState('awaking', record.id);
    } else if (command === 'awake') {
      if (record.state === 'stopped' || record.state === 'stopping')
        throw refuse("'awake' wakes an idle service; a stopped one needs 'start'");
      if (record.state === 'idle') this.setState('awaking', record.id);
    } else if (record.state !== 'stopped' && record.state !== 'stopping') {
      this.setState('stopping', record.id);
    }
    if (record.state !== 'running') record.pingsWhileRunning = 0;
    // The command's own answer is the first sighting of the state it began.
    if (SETTLES_TO[record.state]) record.polls = Math.max(record.polls, 1);
    return this.answerOf(record);
  }
}
