import type { ApiClient } from '../api/client.js';
import { fieldOutputs } from '../api/fields.js';
import { privateEndpointPath } from '../api/paths.js';
import type { InstancePrivateEndpoint } from '../api/types.js';
import type { PrivateEndpointSettings } from '../inputs/private-endpoint.js';
import type { OperationResult } from './result.js';

export async function createPrivateEndpoint(settings: PrivateEndpointSettings, client: ApiClient): Promise<OperationResult> {
  const { organizationId } = settings.common;
  const response = await client.post<InstancePrivateEndpoint>(privateEndpointPath(organizationId, settings.serviceId), settings.request);
  const endpoint = response.result ?? {};
  const id = endpoint.id ?? settings.request.id;
  return {
    operation: 'create-private-endpoint',
    response,
    outputs: { ...fieldOutputs(endpoint), id, 'endpoint-id': id },
    secrets: [],
    message: `Added private endpoint ${id} to service ${settings.serviceId} (${endpoint.cloudProvider ?? '?'} ${endpoint.region ?? '?'}).`,
    summary: [
      ['Endpoint', id],
      ['Service', settings.serviceId],
      ['Description', endpoint.description ?? ''],
      ['Cloud', `${endpoint.cloudProvider ?? ''} ${endpoint.region ?? ''}`.trim()],
    ],
  };
}
