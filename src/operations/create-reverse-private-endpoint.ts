import type { ApiClient } from '../api/client.js';
import { fieldOutputs } from '../api/fields.js';
import { reversePrivateEndpointPath, reversePrivateEndpointsPath } from '../api/paths.js';
import type { ReversePrivateEndpoint } from '../api/types.js';
import type { ReversePrivateEndpointSettings } from '../inputs/reverse-private-endpoint.js';
import type { OperationResult } from './result.js';
import { waitForReady } from './wait-for-ready.js';

export async function createReversePrivateEndpoint(settings: ReversePrivateEndpointSettings, client: ApiClient, log: (line: string) => void): Promise<OperationResult> {
  const { organizationId } = settings.common;
  const created = await client.post<ReversePrivateEndpoint>(reversePrivateEndpointsPath(organizationId, settings.serviceId), settings.request);
  const id = created.result?.id;
  if (!id) throw new Error(`The API answered the endpoint creation without an endpoint ID (request id ${created.requestId ?? 'unknown'}).`);
  const { response, failure } = settings.waitForReady
    ? await waitForReady(client, reversePrivateEndpointPath(organizationId, settings.serviceId, id), created, { timeoutMs: settings.waitTimeoutMs, log })
    : { response: created, failure: undefined };
  const endpoint = response.result ?? created.result;
  return {
    operation: 'create-reverse-private-endpoint',
    response,
    outputs: fieldOutputs(endpoint),
    secrets: [],
    failure,
    message: `Reverse private endpoint ${id} (${endpoint.type}) for service ${settings.serviceId}: ${endpoint.status}.`,
    summary: [
      ['Endpoint', id],
      ['Description', endpoint.description ?? ''],
      ['Type', endpoint.type ?? ''],
      ['Status', endpoint.status ?? ''],
      ['Cloud endpoint', endpoint.endpointId ?? ''],
      ['DNS names', (endpoint.dnsNames ?? []).join(', ')],
    ],
  };
}
