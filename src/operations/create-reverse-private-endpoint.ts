import type { AmbiguousHandler, ApiClient } from '../api/client.js';
import { fieldOutputs } from '../api/fields.js';
import { reversePrivateEndpointPath, reversePrivateEndpointsPath } from '../api/paths.js';
import type { CreateReversePrivateEndpoint, ReversePrivateEndpoint } from '../api/types.js';
import type { ReversePrivateEndpointSettings } from '../inputs/reverse-private-endpoint.js';
import type { OperationResult } from './result.js';
import { waitForReady } from './wait-for-ready.js';

/** Every output the interface promises, so a field the API leaves out is empty, not missing. */
const EMPTY_OUTPUTS = {
  id: '',
  description: '',
  type: '',
  'endpoint-id': '',
  'dns-names': '[]',
  'private-dns-names': '[]',
  status: '',
  'vpc-endpoint-service-name': '',
  'vpc-resource-configuration-id': '',
  'vpc-resource-share-arn': '',
  'msk-cluster-arn': '',
  'msk-authentication': '',
};

/** Set after a recovered creation: the post step deletes any later copy matching this mark (JSON). */
export const ENDPOINT_COPIES_STATE = 'sweep-endpoint-copies';

/** What tells the step's endpoints from others: new since `before`, and made from `request`. */
export interface EndpointCopyMark {
  serviceId: string;
  keep: string;
  before: string[];
  request: CreateReversePrivateEndpoint;
}

export async function createReversePrivateEndpoint(
  settings: ReversePrivateEndpointSettings,
  client: ApiClient,
  log: (line: string) => void,
  warn: (line: string) => void,
): Promise<OperationResult> {
  const { organizationId } = settings.common;
  const { serviceId, request } = settings;
  const listPath = reversePrivateEndpointsPath(organizationId, serviceId);
  // The API gives endpoints no creation time: what exists before the first try is not this step's,
  // and a new endpoint with the step's description, type and fields is.
  const before = ((await client.get<ReversePrivateEndpoint[]>(listPath)).result ?? []).flatMap((endpoint) => endpoint.id ?? []);
  let ambiguous = false;
  const recover: AmbiguousHandler<ReversePrivateEndpoint> = async () => {
    ambiguous = true;
    const { listed, made } = await madeByStep(client, organizationId, { serviceId, before, request, keep: '' });
    if (made.length === 0) return 'retry';
    if (made.length === 1) return { httpStatus: listed.httpStatus, requestId: listed.requestId, result: made[0] as ReversePrivateEndpoint };
    throw new Error(
      `The endpoint creation may have been carried out although no answer came, and ${made.length} new endpoints match it: ${made.map((e) => e.id).join(', ')}. Nothing was deleted; delete the extra ones by hand.`,
    );
  };
  const created = await client.post<ReversePrivateEndpoint>(listPath, request, recover);
  const id = created.result?.id;
  if (!id) throw new Error(`The API answered the endpoint creation without an endpoint ID (request id ${created.requestId ?? 'unknown'}).`);
  // A first try that landed after the lookup left a copy, provably the step's: it goes, now and
  // (for one landing later still) in the post step.
  const mark: EndpointCopyMark | undefined = ambiguous ? { serviceId, keep: id, before, request } : undefined;
  if (mark) await deleteEndpointCopies(client, organizationId, mark, log, warn);
  const { response, failure } = settings.waitForReady
    ? await waitForReady(client, reversePrivateEndpointPath(organizationId, serviceId, id), created, {
        timeoutMs: settings.waitTimeoutMs,
        log,
      })
    : { response: created, failure: undefined };
  const endpoint = response.result ?? created.result;
  return {
    operation: 'create-reverse-private-endpoint',
    response,
    outputs: { ...EMPTY_OUTPUTS, 'service-id': serviceId, ...fieldOutputs(endpoint) },
    secrets: [],
    failure,
    state: mark ? { [ENDPOINT_COPIES_STATE]: JSON.stringify(mark) } : undefined,
    message: `Reverse private endpoint ${id} (${endpoint.type}) for service ${serviceId}: ${endpoint.status}.`,
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

async function madeByStep(client: ApiClient, organizationId: string, mark: EndpointCopyMark) {
  const listed = await client.get<ReversePrivateEndpoint[]>(reversePrivateEndpointsPath(organizationId, mark.serviceId));
  const before = new Set(mark.before);
  return { listed, made: (listed.result ?? []).filter((e) => e.id && !before.has(e.id) && sameRequest(e, mark.request)) };
}

/** Deletes the step's copies other than the endpoint it keeps. Never throws: a hiccup is a warning. */
export async function deleteEndpointCopies(
  client: ApiClient,
  organizationId: string,
  mark: EndpointCopyMark,
  log: (line: string) => void,
  warn: (line: string) => void,
): Promise<void> {
  try {
    const copies = (await madeByStep(client, organizationId, mark)).made.filter((endpoint) => endpoint.id !== mark.keep);
    for (const copy of copies) await client.delete(reversePrivateEndpointPath(organizationId, mark.serviceId, copy.id as string));
    if (copies.length > 0) log(`Deleted late copies of this step's endpoint: ${copies.map((e) => e.id).join(', ')}.`);
  } catch (error) {
    warn(`Could not check for late copies of this step's endpoint: ${error instanceof Error ? error.message : String(error)}`);
  }
}

/** An endpoint made from this very request: same description, type and fields (absent and null alike). */
function sameRequest(endpoint: ReversePrivateEndpoint, request: CreateReversePrivateEndpoint): boolean {
  const fields = Object.keys(request) as Array<keyof CreateReversePrivateEndpoint>;
  return fields.every((field) => (endpoint[field] ?? null) === (request[field] ?? null));
}
