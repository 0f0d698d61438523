import { createHash } from 'node:crypto';
import type { OpenApi } from '../openapi.js';
import { badRequest, type Context, PROVIDER, REGION, type Resource, type Routes, type Schemas } from '../shared.js';

type InstancePrivateEndpoint = Schemas['InstancePrivateEndpoint'];

/** The service's private endpoints (the cloud provider's endpoint IDs attached to it), and the config routes. */
export class PrivateEndpoints implements Resource {
  readonly endpoints: InstancePrivateEndpoint[] = [];

  constructor(
    private readonly organizationId: string,
    private readonly serviceId: string,
  ) {}

  ids(): string[] {
    return this.endpoints.flatMap((e) => e.id ?? []);
  }

  /** PATCH service `privateEndpointIds`: remove first, then add; an ID attached twice is refused. */
  patch(change: { add?: string[]; remove?: string[] }): void {
    for (const id of change.remove ?? []) {
      const index = this.endpoints.findIndex((e) => e.id === id);
      if (index >= 0) this.endpoints.splice(index, 1);
    }
    for (const id of change.add ?? []) this.attach({ id });
  }

  routes(api: OpenApi): Routes {
    return {
      'POST /v1/organizations/{organizationId}/services/{serviceId}/privateEndpoint': ({ body }) => ({ result: this.attach(body) }),
      'GET /v1/organizations/{organizationId}/services/{serviceId}/privateEndpointConfig': () => ({
        result: {
          endpointServiceId: endpointServiceName(),
          privateDnsHostname: `${this.serviceId.slice(0, 8)}.${REGION}.vpce.${PROVIDER}.clickhouse.cloud`,
        },
      }),
      'GET /v1/organizations/{organizationId}/privateEndpointConfig': (c) => ({ result: this.regionConfig(c, api) }),
    };
  }

  private attach(body: Record<string, unknown>): InstancePrivateEndpoint {
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

  private regionConfig({ query }: Context, api: OpenApi) {
    const provider = query.get('cloud_provider') as string;
    const region = query.get('region_id') as string;
    // Both parameters are plain strings in the document; their descriptions name the values.
    const providers = api.enumOf('InstancePrivateEndpoint', 'cloudProvider');
    if (!providers.includes(provider)) throw badRequest(`query parameter 'cloud_provider' must be one of ${providers.join(', ')}`);
    const regions = api.enumOf('InstancePrivateEndpoint', 'region');
    if (!regions.includes(region)) throw badRequest(`query parameter 'region_id' must be one of ${regions.join(', ')}`);
    const endpointServiceIds: Record<string, string> = {
      aws: endpointServiceName(region),
      gcp: `projects/clickhouse-cloud/regions/${region}/serviceAttachments/production-${region}-clickhouse-cloud`,
      azure: `production-${region}-clickhouse-cloud.${this.organizationId}.${region}.azure.privatelinkservice`,
    };
    return { endpointServiceId: endpointServiceIds[provider] };
  }
}

function endpointServiceName(region = REGION): string {
  return `com.amazonaws.vpce.${region}.vpce-svc-${createHash('sha256').update(region).digest('hex').slice(0, 17)}`;
}
