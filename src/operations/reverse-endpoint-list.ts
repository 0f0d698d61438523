import type { ApiClient, ApiResponse } from '../api/client.js';
import { reversePrivateEndpointsPath } from '../api/paths.js';
import type { ReversePrivateEndpoint } from '../api/types.js';
import { idProblem } from '../uuid.js';

/** The service's reverse private endpoints; one whose ID is not a UUID makes the answer unreadable, never skipped. */
export function listEndpoints(
  client: ApiClient,
  organizationId: string,
  serviceId: string,
): Promise<ApiResponse<ReversePrivateEndpoint[]>> {
  return client.list<ReversePrivateEndpoint>(reversePrivateEndpointsPath(organizationId, serviceId), (listed) =>
    idProblem(
      'reverse private endpoint',
      listed.map((endpoint) => endpoint.id),
    ),
  );
}
