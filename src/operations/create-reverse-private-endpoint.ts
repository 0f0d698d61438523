import type { AmbiguousHandler, ApiClient } from '../api/client.js';
import { fieldOutputs } from '../api/fields.js';
import { reversePrivateEndpointPath, reversePrivateEndpointsPath } from '../api/paths.js';
import type { CreateReversePrivateEndpoint, ReversePrivateEndpoint } from '../api/types.js';
import type { ReversePrivateEndpointSettings } from '../inputs/reverse-private-endpoint.js';
import type { OperationResult } from './result.js';
import { waitForReady } from './wait-for-ready.js';

export async function createReversePrivateEndpoint(
  settings: ReversePrivateEndpointSettings,
  client: ApiClient,
  log: (line: string) => void,
): Promise<OperationResult> {
  const { organizationId } = settings.common;
  const listPath = reversePrivateEndpointsPath(organizationId, settings.serviceId);
  // The API gives endpoints no creation time: what exists before the first try is what is not ours.
  const before = new Set((await client.get<ReversePrivateEndpoint[]>(listPath)).result?.map((endpoint) => endpoint.id));
  const recover: AmbiguousHandler<ReversePrivateEndpoint> = async () => {
    const listed = await client.get<ReversePrivateEndpoint[]>(listPath);
    const made = (listed.result ?? []).filter((endpoint) => !before.has(endpoint.id) && sameRequest(endpoint, settings.request));
    if (made.length === 0) return 'retry';
    if (made.length === 1) return { httpStatus: listed.httpStatus, requestId: listed.requestId, result: made[0] as ReversePrivateEndpoint };
    throw new Error(
      `The endpoint creation may have been carried out although no answer came, and ${made.length} new endpoints match it: ${made.map((e) => e.id).join(', ')}. Nothing was deleted; delete the extra ones by hand.`,
    );
  };
  const created = await client.post<ReversePrivateEndpoint>(listPath, settings.request, recover);
  const id = created.result?.id;
  if (!id) throw new Error(`The API answered the endpoint creation without an endpoint ID (request id ${created.requestId ?? 'unknown'}).`);
  const { response, failure } = settings.waitForReady
    ? await waitForReady(client, reversePrivateEndpointPath(organizationId, settings.serviceId, id), created, {
        timeoutMs: settings.waitTimeoutMs,
        log,
      })
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

/** An endpoint made from this very request: same description, type and fields (absent and null alike). */
function sameRequest(endpoint: ReversePrivateEndpoint, request: CreateReversePrivateEndpoint): boolean {
  const fields = Object.keys(request) as Array<keyof CreateReversePrivateEndpoint>;
  return fields.every((field) => (endpoint[field] ?? null) === (request[field] ?? null));
}
