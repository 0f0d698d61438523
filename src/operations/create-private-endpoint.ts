import type { AmbiguousHandler, ApiClient } from '../api/client.js';
import { fieldOutputs } from '../api/fields.js';
import { privateEndpointPath, servicePath } from '../api/paths.js';
import type { InstancePrivateEndpoint, Service } from '../api/types.js';
import type { PrivateEndpointSettings } from '../inputs/private-endpoint.js';
import type { OperationResult } from './result.js';

export async function createPrivateEndpoint(settings: PrivateEndpointSettings, client: ApiClient): Promise<OperationResult> {
  const { organizationId } = settings.common;
  // The endpoint ID is the cloud provider's own, so after an unanswered POST the service's list
  // tells for certain whether it was attached; attaching is then done, not to be repeated.
  const recover: AmbiguousHandler<InstancePrivateEndpoint> = async () => {
    const service = await client.get<Service>(servicePath(organizationId, settings.serviceId));
    if (!service.result?.privateEndpointIds?.includes(settings.request.id)) return 'retry';
    const { provider, region } = service.result;
    const attached: InstancePrivateEndpoint = {
      ...settings.request,
      cloudProvider: provider,
      region,
    };
    return { httpStatus: service.httpStatus, requestId: service.requestId, result: attached };
  };
  const response = await client.post<InstancePrivateEndpoint>(
    privateEndpointPath(organizationId, settings.serviceId),
    settings.request,
    recover,
  );
  const endpoint = response.result ?? {};
  const id = endpoint.id ?? settings.request.id;
  const empty = { description: '', 'cloud-provider': '', region: '' };
  return {
    operation: 'create-private-endpoint',
    response,
    outputs: { ...empty, ...fieldOutputs(endpoint), id, 'endpoint-id': id },
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
