import type { ApiResponse } from '../api/client.js';
import { fieldOutputs } from '../api/fields.js';
import { privateEndpointPath, servicePath } from '../api/paths.js';
import type { InstancePrivateEndpoint, Service } from '../api/types.js';
import type { PrivateEndpointSettings } from '../inputs/private-endpoint.js';
import type { Intent, JournalRecord } from '../journal.js';
import type { OperationContext, PostContext } from './context.js';
import { recordedCreate } from './recorded-create.js';
import type { OperationResult } from './result.js';

/** The service as read for its endpoints: an answer without the list cannot say whether one is attached. */
const readService = (client: OperationContext['client'], path: string) => client.get<Service>(path, ['privateEndpointIds']);

/**
 * The endpoint as the service's answer shows it attached: the service lists IDs only, so its
 * cloud and region are known and its description is not (nothing is made up).
 */
function attachedEndpoint(service: ApiResponse<Service>, id: string): ApiResponse<InstancePrivateEndpoint> {
  const { provider, region } = service.result;
  return { httpStatus: service.httpStatus, requestId: service.requestId, result: { id, cloudProvider: provider, region } };
}

/**
 * Attaches the endpoint unless the service already lists it. The service is read first: an ID
 * attached before the step is never the step's, so it is left alone (now and by the post step),
 * and re-running a workflow succeeds instead of meeting "already exists".
 */
export async function createPrivateEndpoint(
  settings: PrivateEndpointSettings,
  { client, journal }: OperationContext,
): Promise<OperationResult> {
  const { organizationId } = settings.common;
  const path = servicePath(organizationId, settings.serviceId);
  const before = await readService(client, path);
  const created = !before.result.privateEndpointIds?.includes(settings.request.id);
  const response = created
    ? (
        await recordedCreate<InstancePrivateEndpoint>(
          journal,
          { kind: 'private-endpoint', serviceId: settings.serviceId, endpointId: settings.request.id, sentAt: Date.now() },
          (onAmbiguous) =>
            client.post<InstancePrivateEndpoint>(privateEndpointPath(organizationId, settings.serviceId), settings.request, onAmbiguous),
          // Not attached when the step began, so an ID listed after an unanswered POST is the step's.
          async () => {
            const service = await readService(client, path);
            return service.result.privateEndpointIds?.includes(settings.request.id)
              ? attachedEndpoint(service, settings.request.id)
              : 'retry';
          },
          () => settings.request.id,
        )
      ).response
    : attachedEndpoint(before, settings.request.id);
  const endpoint = response.result ?? {};
  const id = endpoint.id ?? settings.request.id;
  const empty = { description: '', 'cloud-provider': '', region: '' };
  const where = `(${endpoint.cloudProvider ?? '?'} ${endpoint.region ?? '?'})`;
  return {
    operation: 'create-private-endpoint',
    // Nothing sent: the read of the service is the answer that produced the final state.
    response: created ? response : before,
    outputs: { ...empty, ...fieldOutputs(endpoint), id, 'endpoint-id': id, created: String(created) },
    secrets: [],
    message: created
      ? `Added private endpoint ${id} to service ${settings.serviceId} ${where}.`
      : `Private endpoint ${id} was already attached to service ${settings.serviceId} ${where}; nothing sent, and the post step leaves it attached.`,
    summary: [
      ['Endpoint', id],
      ['Service', settings.serviceId],
      ['Description', endpoint.description ?? ''],
      ['Cloud', `${endpoint.cloudProvider ?? ''} ${endpoint.region ?? ''}`.trim()],
      ['Attached by this step', created ? 'yes' : 'no: it was already attached'],
    ],
  };
}

/**
 * The post step's part, when the main step did not finish. The intent exists only when the step
 * found the ID unattached, so an attached ID is the step's work, whether or not it read the
 * answer: detached, since nobody got its outputs.
 */
export async function finishPrivateEndpoint(
  intent: Extract<Intent, { kind: 'private-endpoint' }>,
  record: JournalRecord,
  { client, organizationId, log }: PostContext,
): Promise<void> {
  if (record.finished) return;
  const path = servicePath(organizationId, intent.serviceId);
  if (!record.created && !(await readService(client, path)).result.privateEndpointIds?.includes(intent.endpointId)) return;
  await client.patch<Service>(path, { privateEndpointIds: { remove: [intent.endpointId] } });
  log(`Detached private endpoint ${intent.endpointId} from service ${intent.serviceId}: the step that attached it did not finish.`);
}
