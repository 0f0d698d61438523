import type { ApiClient, ApiResponse } from '../api/client.js';
import type { ApiError } from '../api/errors.js';
import { servicePath, servicesPath } from '../api/paths.js';
import type { Service } from '../api/types.js';
import type { DeleteServiceSettings } from '../inputs/delete-service.js';
import type { OperationResult } from './result.js';
import { deleteServices, howToDeleteService } from './service-deletion.js';
import { isGone } from './gone.js';
import { isManaged, listServices } from './service-tags.js';

/** The service, or the answer that says it is already gone (404, or a 400 for an ID no longer listed). */
async function readService(
  client: ApiClient,
  organizationId: string,
  id: string,
): Promise<{ found: ApiResponse<Service> } | { gone: ApiResponse<undefined> }> {
  try {
    return { found: await client.get<Service>(servicePath(organizationId, id)) };
  } catch (error) {
    const listedIds = async () => (await listServices(client, servicesPath(organizationId))).result.map((service) => service.id);
    if (!(await isGone(error, id, listedIds))) throw error;
    const { status, requestId } = error as ApiError;
    return { gone: { httpStatus: status, requestId, result: undefined } };
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
  const answer = await readService(client, organizationId, id);
  const read = 'found' in answer ? answer.found : undefined;
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
  const response =
    done?.response ??
    ('gone' in answer ? answer.gone : { httpStatus: answer.found.httpStatus, requestId: answer.found.requestId, result: undefined });
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
