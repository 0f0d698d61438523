import {
  ALLOW_ANYWHERE,
  badRequest,
  checkIpAccessList,
  type Context,
  type IpAccessListEntry,
  PROVIDER,
  REGION,
  type Resource,
  type Routes,
  type Schemas,
} from '../shared.js';
import type { PrivateEndpoints } from './private-endpoints.js';

type Service = Schemas['Service'];
export type ServiceState = NonNullable<Service['state']>;
type Command = NonNullable<Schemas['ServiceStatePatchRequest']['command']>;

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

export interface ServiceOptions {
  /** A state in motion is seen by this many answers (the command's, then GETs) before it settles (default 2). */
  transitionPolls?: number;
  /** Store and list an added `a.b.c.d/32` as the bare address `a.b.c.d`, as a live API may (default false). */
  bareSingleAddresses?: boolean;
}

/**
 * The one service of the emulated organization, with its IP access list and its state machine:
 * commands start a transition, and polls (GET service) move it on, as the real service moves on
 * while a client polls it.
 */
export class Services implements Resource {
  private state: ServiceState = 'running';
  private polls = 0;
  private ipAccessList: IpAccessListEntry[] = [ALLOW_ANYWHERE];
  private readonly createdAt = new Date().toISOString();

  constructor(
    private readonly serviceId: string,
    private readonly privateEndpoints: PrivateEndpoints,
    private readonly options: ServiceOptions,
  ) {}

  setState(state: ServiceState): void {
    this.state = state;
    this.polls = 0;
  }

  setIpAccessList(list: IpAccessListEntry[]): void {
    checkIpAccessList(list, 'ipAccessList');
    this.ipAccessList = structuredClone(list);
  }

  answer(): Service {
    const host = `${this.serviceId.slice(0, 8)}.${REGION}.${PROVIDER}.clickhouse.cloud`;
    return {
      id: this.serviceId,
      name: 'emulated-service',
      provider: PROVIDER,
      region: REGION,
      state: this.state,
      clickhouseVersion: '25.8.1.1',
      endpoints: [
        { protocol: 'https', host, port: 8443 },
        { protocol: 'nativesecure', host, port: 9440 },
      ],
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
      ipAccessList: structuredClone(this.ipAccessList),
      createdAt: this.createdAt,
      privateEndpointIds: this.privateEndpoints.ids(),
      availablePrivateEndpointIds: [],
      dataWarehouseId: this.serviceId,
      isPrimary: true,
      isReadonly: false,
      releaseChannel: 'default',
      hasTransparentDataEncryption: false,
    };
  }

  routes(): Routes {
    return {
      'GET /v1/organizations/{organizationId}/services/{serviceId}': () => {
        this.advance();
        return { result: this.answer() };
      },
      'PATCH /v1/organizations/{organizationId}/services/{serviceId}': (c) => ({ result: this.patch(c) }),
      'PATCH /v1/organizations/{organizationId}/services/{serviceId}/state': (c) => ({ result: this.command(c.body.command as Command) }),
    };
  }

  private advance(): void {
    const next = SETTLES_TO[this.state];
    if (!next) return;
    if (this.polls >= (this.options.transitionPolls ?? 2)) this.setState(next);
    else this.polls += 1;
  }

  /** `ipAccessList` and `privateEndpointIds` changes (remove first, then add); other fields are not emulated. */
  private patch({ body }: Context): Service {
    const others = Object.keys(body).filter((field) => field !== 'ipAccessList' && field !== 'privateEndpointIds');
    if (others.length > 0) throw badRequest(`the emulator does not change ${others.join(', ')}`);
    const access = body.ipAccessList as Schemas['IpAccessListPatch'] | undefined;
    if (access) {
      checkIpAccessList(access.remove ?? [], 'ipAccessList.remove');
      checkIpAccessList(access.add ?? [], 'ipAccessList.add');
      const removed = new Set((access.remove ?? []).map((entry) => entry.source));
      const list = this.ipAccessList.filter((entry) => !removed.has(entry.source));
      for (const added of access.add ?? []) {
        const entry = this.options.bareSingleAddresses ? { ...added, source: added.source?.replace(/\/32$/, '') } : added;
        // The document does not say a duplicate source is fine, so a strict server refuses it.
        if (list.some((listed) => listed.source === entry.source)) throw badRequest(`'${entry.source}' is already in the IP access list`);
        list.push(entry);
      }
      this.ipAccessList = list;
    }
    const endpoints = body.privateEndpointIds as Schemas['InstancePrivateEndpointsPatch'] | undefined;
    if (endpoints) this.privateEndpoints.patch(endpoints);
    return this.answer();
  }

  private command(command: Command): Service {
    if (BROKEN.includes(this.state)) throw badRequest(`Service is ${this.state}; it cannot ${command}`);
    const refuse = (why: string) => badRequest(`Cannot ${command} a service that is ${this.state}: ${why}`);
    if (command === 'start') {
      if (this.state === 'stopping') throw refuse('wait until it is stopped');
      if (this.state === 'stopped') this.setState('starting');
      else if (this.state === 'idle') this.setState('awaking');
    } else if (command === 'awake') {
      if (this.state === 'stopped' || this.state === 'stopping') throw refuse("'awake' wakes an idle service; a stopped one needs 'start'");
      if (this.state === 'idle') this.setState('awaking');
    } else if (this.state !== 'stopped' && this.state !== 'stopping') {
      this.setState('stopping');
    }
    // The command's own answer is the first sighting of the state it began.
    if (SETTLES_TO[this.state]) this.polls = Math.max(this.polls, 1);
    return this.answer();
  }
}
