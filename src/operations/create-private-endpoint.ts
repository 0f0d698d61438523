import type { AmbiguousHandler } from '../api/client.js';
import { fieldOutputs } from '../api/fields.js';
import { privateEndpointPath, servicePath } from '../api/paths.js';
import type { InstancePrivateEndpoint, Service } from '../api/types.js';
import type { PrivateEndpointSettings } from '../inputs/private-endpoint.js';
import type { Intent, JournalRecord } from '../journal.js';
import type { OperationContext, PostContext } from './context.js';
import { recordedCreate } from './recorded-create.js';
import type { OperationResult } from './result.js';

export async function createPrivateEndpoint(
  settings: PrivateEndpointSettings,
  { client, journal }: OperationContext,
): Promise<OperationResult> {
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
  const { response } = await recordedCreate<InstancePrivateEndpoint>(
    journal,
    { kind: 'private-endpoint', serviceId: settings.serviceId, endpointId: settings.request.id, sentAt: Date.now() },
    (onAmbiguous) =>
      client.post<InstancePrivateEndpoint>(privateEndpointPath(organizationId, settings.serviceId), settings.request, onAmbiguous),
    recover,
    () => settings.request.id,
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

/**
 * The post step's part, when the main step did not finish. An endpoint the API answered for was
 * attached by this step and nobody got its outputs, so it is detached. Without an answer the ID
 * (the cloud provider's own) may have been attached before the step: it is named, with how to
 * detach it, never detached by guess.
 */
export async function finishPrivateEndpoint(
  intent: Extract<Intent, { kind: 'private-endpoint' }>,
  record: JournalRecord,
  { client, organizationId, log }: PostContext,
): Promise<void> {
  if (record.finished) return;
  const path = servicePath(organizationId, intent.serviceId);
  if (record.created) {
    await client.patch<Service>(path, { privateEndpointIds: { remove: [intent.endpointId] } });
    log(`Detached private endpoint ${intent.endpointId} from service ${intent.serviceId}: the step that attached it did not finish.`);
    return;
  }
  const service = await client.get<Service>(path);
  if (!service.result.privateEndpointIds?.includes(intent.endpointId)) return;
  throw new Error(
    `Private endpoint ${intent.endpointId} is attached to service ${intent.serviceId}, and the step that attached it did not read the answer, so it may have been attached before. If it should not be, remove it in the ClickHouse Cloud console (the service's Settings > Private endpoints) or with a PATCH of the service's privateEndpointIds.`,
  );
}
