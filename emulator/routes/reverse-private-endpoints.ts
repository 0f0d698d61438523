import { randomUUID } from 'node:crypto';
import type { OpenApi } from '../openapi.js';
import {
  badRequest,
  type Context,
  notFound,
  randomAlphanumeric,
  randomHex,
  REGION,
  type Resource,
  type Routes,
  sameId,
  type Schemas,
} from '../shared.js';

type ReversePrivateEndpoint = Schemas['ReversePrivateEndpoint'];
type Status = NonNullable<ReversePrivateEndpoint['status']>;
type RpeType = NonNullable<ReversePrivateEndpoint['type']>;
type DnsMapping = Schemas['CustomPrivateDnsMapping'];

const TYPE_FIELDS: Record<RpeType, readonly (keyof ReversePrivateEndpoint)[]> = {
  VPC_ENDPOINT_SERVICE: ['vpcEndpointServiceName'],
  VPC_RESOURCE: ['vpcResourceConfigurationId', 'vpcResourceShareArn'],
  MSK_MULTI_VPC: ['mskClusterArn', 'mskAuthentication'],
  GCP_PSC_SERVICE_ATTACHMENT: ['gcpServiceAttachment'],
};
const FIELDS = Object.values(TYPE_FIELDS).flat();
const GCP_ATTACHMENT = /^projects\/[^/]+\/regions\/[^/]+\/serviceAttachments\/[^/]+$/;
// A DNS name, or one with a leading wildcard label.
const DNS_NAME = /^(?:\*\.)?(?:[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z](?:[a-z0-9-]{0,61}[a-z0-9])?$/i;

interface RpeRecord {
  endpoint: ReversePrivateEndpoint & { id: string; status: Status };
  createdAt: number;
  polls: number;
  finalStatus: Status;
}

export interface ReverseEndpointOptions {
  /** An endpoint leaves Provisioning on the Nth GET of it (default 2). */
  readyAfterPolls?: number;
  /** Alternatively, this long after its creation; takes precedence over readyAfterPolls. */
  readyAfterMs?: number;
}

/** ClickPipes reverse private endpoints of the service: made Provisioning, Ready (or the status set) after some polls. */
export class ReversePrivateEndpoints implements Resource {
  private readonly records: RpeRecord[] = [];
  private nextStatus: Status | undefined;

  constructor(
    private readonly serviceId: string,
    private readonly options: ReverseEndpointOptions,
  ) {}

  list(now = Date.now()): ReversePrivateEndpoint[] {
    return this.records.map((rpe) => this.advance(rpe, now));
  }

  setStatus(id: string, status: string, api: OpenApi): void {
    if (!api.enumOf('ReversePrivateEndpoint', 'status').includes(status)) throw new Error(`unknown status ${status}`);
    this.find(id).endpoint.status = status as Status;
  }

  /** As another job's POST would make it, under the same rules. */
  seed(body: Schemas['CreateReversePrivateEndpoint'], now = Date.now()): ReversePrivateEndpoint {
    return this.create({ body, now });
  }

  /** The next endpoint made leaves Provisioning for this status instead of Ready (e.g. Failed, PendingAcceptance). */
  settleNext(status: Status): void {
    this.nextStatus = status;
  }

  routes(): Routes {
    const one = '/v1/organizations/{organizationId}/services/{serviceId}/clickpipesReversePrivateEndpoints/{reversePrivateEndpointId}';
    return {
      'GET /v1/organizations/{organizationId}/services/{serviceId}/clickpipesReversePrivateEndpoints': (c) => ({
        result: this.list(c.now),
      }),
      'POST /v1/organizations/{organizationId}/services/{serviceId}/clickpipesReversePrivateEndpoints': (c) => ({ result: this.create(c) }),
      [`GET ${one}`]: (c) => {
        const rpe = this.find(c.params.reversePrivateEndpointId);
        rpe.polls += 1;
        return { result: this.advance(rpe, c.now) };
      },
      [`PATCH ${one}`]: (c) => ({ result: this.patch(c) }),
      [`DELETE ${one}`]: (c) => {
        this.records.splice(this.records.indexOf(this.find(c.params.reversePrivateEndpointId)), 1);
        return {};
      },
    };
  }

  private create({ body, now }: Pick<Context, 'body' | 'now'>): ReversePrivateEndpoint {
    const description = body.description as string | undefined;
    if (description === undefined || description === '') throw badRequest(`'description' is required`);
    if ([...description].length > 255) throw badRequest(`'description' must be at most 255 characters`);
    const type = body.type as RpeType | undefined;
    if (type === undefined) throw badRequest(`'type' is required`);
    const own = TYPE_FIELDS[type];
    for (const field of FIELDS) {
      const given = body[field] !== undefined && body[field] !== null;
      if (own.includes(field) && (!given || body[field] === '')) throw badRequest(`'${field}' is required for type ${type}`);
      if (!own.includes(field) && given) throw badRequest(`'${field}' does not apply to type ${type}`);
    }
    if (type === 'GCP_PSC_SERVICE_ATTACHMENT' && !GCP_ATTACHMENT.test(body.gcpServiceAttachment as string)) {
      throw badRequest(`'gcpServiceAttachment' must be projects/{project}/regions/{region}/serviceAttachments/{name}`);
    }
    const mappings = this.checkMappings(body.customPrivateDnsMappings as DnsMapping[] | undefined, type, undefined);
    const gcp = type === 'GCP_PSC_SERVICE_ATTACHMENT';
    const endpointId = gcp ? `${randomAlphanumeric(19).toLowerCase()}` : `vpce-${randomHex(17)}`;
    const endpoint: RpeRecord['endpoint'] = {
      description,
      type,
      ...Object.fromEntries(FIELDS.map((field) => [field, body[field] ?? null])),
      customPrivateDnsMappings: mappings,
      id: randomUUID(),
      serviceId: this.serviceId,
      endpointId,
      dnsNames: gcp ? [] : [`${endpointId}-${randomAlphanumeric(8).toLowerCase()}.${REGION}.vpce.amazonaws.com`],
      privateDnsNames: [],
      status: 'Provisioning',
    };
    this.records.push({ endpoint, createdAt: now, polls: 0, finalStatus: this.nextStatus ?? 'Ready' });
    this.nextStatus = undefined;
    return structuredClone(endpoint);
  }

  /** PATCH replaces the endpoint's custom private DNS names. */
  private patch({ params, body }: Context): ReversePrivateEndpoint {
    const rpe = this.find(params.reversePrivateEndpointId);
    const mappings = body.customPrivateDnsMappings as DnsMapping[] | undefined;
    if (mappings !== undefined) rpe.endpoint.customPrivateDnsMappings = this.checkMappings(mappings, rpe.endpoint.type as RpeType, rpe);
    return structuredClone(rpe.endpoint);
  }

  /** Valid names, unique across the service's endpoints, and none for MSK_MULTI_VPC. */
  private checkMappings(mappings: DnsMapping[] | undefined, type: RpeType, self: RpeRecord | undefined): DnsMapping[] {
    if (!mappings || mappings.length === 0) return [];
    if (type === 'MSK_MULTI_VPC') throw badRequest(`'customPrivateDnsMappings' is not supported for type MSK_MULTI_VPC`);
    const taken = new Set(
      this.records
        .filter((r) => r !== self)
        .flatMap((r) => (r.endpoint.customPrivateDnsMappings ?? []).map((m) => m.privateDnsName?.toLowerCase())),
    );
    const seen = new Set<string>();
    for (const { privateDnsName } of mappings) {
      const name = (privateDnsName ?? '').toLowerCase();
      if (!DNS_NAME.test(name)) throw badRequest(`'customPrivateDnsMappings' has '${privateDnsName}', not a DNS name`);
      if (taken.has(name) || seen.has(name)) throw badRequest(`private DNS name '${privateDnsName}' is already used in this service`);
      seen.add(name);
    }
    return structuredClone(mappings);
  }

  private find(id: string | undefined): RpeRecord {
    const rpe = this.records.find((r) => sameId(r.endpoint.id, id ?? ''));
    if (!rpe) throw notFound(`Reverse private endpoint ${id} not found`);
    return rpe;
  }

  private advance(rpe: RpeRecord, now: number): ReversePrivateEndpoint {
    const { readyAfterMs, readyAfterPolls = 2 } = this.options;
    const due = readyAfterMs === undefined ? rpe.polls >= readyAfterPolls : now - rpe.createdAt >= readyAfterMs;
    if (rpe.endpoint.status === 'Provisioning' && due) rpe.endpoint.status = rpe.finalStatus;
    return structuredClone(rpe.endpoint);
  }
}
