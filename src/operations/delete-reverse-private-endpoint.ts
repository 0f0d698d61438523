import type { ApiClient, ApiResponse } from '../api/client.js';
import { ApiError } from '../api/errors.js';
import { reversePrivateEndpointPath } from '../api/paths.js';
import type { DeleteReversePrivateEndpointSettings } from '../inputs/delete-reverse-private-endpoint.js';
import { isGone } from './gone.js';
import { listEndpoints } from './reverse-endpoint-list.js';
import type { OperationResult } from './result.js';

/**
 * Deletes a reverse private endpoint; one already gone (404, or a 400 for an ID no longer listed) counts as deleted, since the caller's
 * goal, no such endpoint, holds. Shared by the operation and the post step. `wasGone` says it was
 * gone before this step: a 404 after a try whose answer was lost means that try deleted it.
 */
export async function deleteReverseEndpointIfPresent(
  client: ApiClient,
  organizationId: string,
  serviceId: string,
  id: string,
): Promise<{ response: ApiResponse<undefined>; wasGone: boolean }> {
  try {
    return { response: await client.delete(reversePrivateEndpointPath(organizationId, serviceId, id)), wasGone: false };
  } catch (error) {
    const listed = async () => (await listEndpoints(client, organizationId, serviceId)).result.map((endpoint) => endpoint.id);
    if (!(error instanceof ApiError) || !(await isGone(error, id, listed))) throw error;
    return { response: { httpStatus: error.status, requestId: error.requestId, result: undefined }, wasGone: error.attempts === 1 };
  }
}

export async function deleteReversePrivateEndpoint(
  settings: DeleteReversePrivateEndpointSettings,
  client: ApiClient,
): Promise<OperationResult> {
  const { serviceId, endpointId } = settings;
  const { response, wasGone } = await deleteReverseEndpointIfPresent(client, settings.common.organizationId, serviceId, endpointId);
  return {
    warnings: wasGone ? [`Reverse private endpoint ${endpointId} of service ${serviceId} was already gone; nothing to delete.`] : [],
    operation: 'delete-reverse-private-endpoint',
    // The API's DELETE answers no `result` worth keeping; whatever a server sends, the output stays empty.
    response: { ...response, result: undefined },
    outputs: {},
    secrets: [],
    message: wasGone ? `Reverse private endpoint ${endpointId} does not exist.` : `Deleted reverse private endpoint ${endpointId}.`,
    summary: [
      ['Endpoint', endpointId],
      ['Service', serviceId],
      ['Outcome', wasGone ? 'already gone' : 'deleted'],
    ],
  };
}
