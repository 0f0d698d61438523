import type { AmbiguousHandler, ApiClient } from '../api/client.js';
import { fieldOutputs } from '../api/fields.js';
import { organizationPath, privateEndpointPath } from '../api/paths.js';
import type { InstancePrivateEndpoint, Organization } from '../api/types.js';
import type { PrivateEndpointSettings } from '../inputs/private-endpoint.js';
import type { OperationResult } from './result.js';

export async function createPrivateEndpoint(settings: PrivateEndpointSettings, client: ApiClient): Promise<OperationResult> {
  const { organizationId } = settings.common;
  // The endpoint ID is the cloud provider's own, so after an unanswered POST the organization's
  // list tells for certain whether it was attached; attaching is then done, not to be repeated.
  const recover: AmbiguousHandler<InstancePrivateEndpoint> = async () => {
    const organization = await client.get<Organization>(organizationPath(organizationId));
    const attached = organization.result?.privateEndpoints?.find((endpoint) => endpoint.id === settings.request.id);
    return attached ? { httpStatus: organization.httpStatus, requestId: organization.requestId, result: attached } : 'retry';
  };
  const response = await client.post<InstancePrivateEndpoint>(
    privateEndpointPath(organizationId, settings.serviceId),
    settings.request,
    recover,
  );
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
