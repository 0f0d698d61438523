import type { ApiClient, ApiResponse } from '../api/client.js';
import { ApiError } from '../api/errors.js';
import { servicePath } from '../api/paths.js';
import type { Service } from '../api/types.js';
import type { DeleteServiceSettings } from '../inputs/delete-service.js';
import type { OperationResult } from './result.js';
import { deleteServices, howToDeleteService } from './service-deletion.js';
import { isManaged } from './service-tags.js';

/** The service, or undefined when it is already gone (404). */
async function readService(client: ApiClient, path: string): Promise<ApiResponse<Service> | undefined> {
  try {
    return await client.get<Service>(path);
  } catch (error) {
    if (error instanceof ApiError && error.status === 404) return undefined;
    throw error;
  }
}

/**
 * Deletes a service create-service made in an earlier job. Only one tagged
 * managed-by=clickhouse-cloud-action: anything else was not made by this action and is only read.
 */
export async function deleteService(
  settings: DeleteServiceSettings,
  client: ApiClient,
  log: (line: string) => void,
): Promise<OperationResult> {
  const { organizationId } = settings.common;
  const id = settings.serviceId;
  const read = await readService(client, servicePath(organizationId, id));
  if (read && !isManaged(read.result)) {
    throw new Error(
      `Service ${read.result.name ?? ''} (${id}) does not carry the tag managed-by=clickhouse-cloud-action, so this action did not make it; it was read and not changed. Delete it in the ClickHouse Cloud console if it should go.`,
    );
  }
  const outcome = read
    ? await deleteServices(client, organizationId, [{ id, name: read.result.name }], { timeoutMs: settings.waitTimeoutMs, log })
    : undefined;
  const failure = outcome?.failures[0];
  if (failure) throw new Error(`Could not delete service ${failure.name ?? ''} (${id}): ${failure.reason}. ${howToDeleteService(id)}.`);
  const done = outcome?.deleted[0];
  const gone = !done || done.wasGone;
  const response = done?.response ?? { httpStatus: read ? read.httpStatus : 404, requestId: read?.requestId, result: undefined };
  return {
    operation: 'delete-service',
    // The API's DELETE answers no `result`; whatever a server sends, the output stays empty.
    response: { ...response, result: undefined },
    outputs: {},
    secrets: [],
    warnings: gone ? [`Service ${id} was already gone; nothing to delete.`] : [],
    message: gone ? `Service ${id} does not exist.` : `Deleted service ${done.name ?? ''} (${id}).`,
    summary: [
      ['Service', `${done?.name ?? ''} (${id})`],
      ['Outcome', gone ? 'already gone' : 'deletion accepted'],
    ],
  };
}
