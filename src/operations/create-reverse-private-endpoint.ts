import type { AmbiguousHandler, ApiClient } from '../api/client.js';
import { ApiError } from '../api/errors.js';
import { fieldOutputs } from '../api/fields.js';
import { reversePrivateEndpointPath, reversePrivateEndpointsPath } from '../api/paths.js';
import type { CreateReversePrivateEndpoint, ReversePrivateEndpoint } from '../api/types.js';
import type { ReversePrivateEndpointSettings } from '../inputs/reverse-private-endpoint.js';
import type { Intent, JournalRecord } from '../journal.js';
import type { OperationContext, PostContext } from './context.js';
import { recordedCreate } from './recorded-create.js';
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
  'gcp-service-attachment': '',
  'custom-private-dns-mappings': '[]',
};

type EndpointIntent = Extract<Intent, { kind: 'reverse-endpoint' }>;

export async function createReversePrivateEndpoint(
  settings: ReversePrivateEndpointSettings,
  { client, journal, log, warn }: OperationContext,
): Promise<OperationResult> {
  const { organizationId } = settings.common;
  const { serviceId, request } = settings;
  const listPath = reversePrivateEndpointsPath(organizationId, serviceId);
  // The API gives endpoints no creation time: what exists before the first try is not this step's,
  // and a new endpoint with the step's description, type and fields is.
  const before = (await client.list<ReversePrivateEndpoint>(listPath)).result.flatMap((endpoint) => endpoint.id ?? []);
  const intent: EndpointIntent = { kind: 'reverse-endpoint', serviceId, before, request, sentAt: Date.now() };
  const recover: AmbiguousHandler<ReversePrivateEndpoint> = async () => {
    const { listed, made } = await madeByStep(client, organizationId, intent);
    if (made.length === 0) return 'retry';
    if (made.length === 1) return { httpStatus: listed.httpStatus, requestId: listed.requestId, result: made[0] as ReversePrivateEndpoint };
    throw new Error(
      `The endpoint creation may have been carried out although no answer came, and ${made.length} new endpoints match it: ${made.map((e) => e.id).join(', ')}. Nothing was deleted; delete the extra ones by hand.`,
    );
  };
  const { response: created, ambiguous } = await recordedCreate<ReversePrivateEndpoint>(
    journal,
    intent,
    (onAmbiguous) => client.post<ReversePrivateEndpoint>(listPath, request, onAmbiguous),
    recover,
    (result) => result?.id,
  );
  const id = created.result?.id;
  if (!id) throw new Error(`The API answered the endpoint creation without an endpoint ID (request id ${created.requestId ?? 'unknown'}).`);
  // A first try that landed after the lookup left a copy, provably the step's: it goes, now and
  // (for one landing later still) in the post step.
  if (ambiguous) await deleteEndpointCopies(client, organizationId, intent, id, log, warn);
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

/** Endpoints the step made: new since its first try, and made from its request. */
async function madeByStep(client: ApiClient, organizationId: string, intent: EndpointIntent) {
  const listed = await client.list<ReversePrivateEndpoint>(reversePrivateEndpointsPath(organizationId, intent.serviceId));
  const before = new Set(intent.before);
  return { listed, made: listed.result.filter((e) => e.id && !before.has(e.id) && sameRequest(e, intent.request)) };
}

/** Deletes the step's copies other than the endpoint it keeps. Never throws: a hiccup is a warning. */
async function deleteEndpointCopies(
  client: ApiClient,
  organizationId: string,
  intent: EndpointIntent,
  keep: string,
  log: (line: string) => void,
  warn: (line: string) => void,
): Promise<void> {
  try {
    await deleteMade(client, organizationId, intent, keep, log, "late copies of this step's endpoint");
  } catch (error) {
    warn(`Could not check for late copies of this step's endpoint: ${error instanceof Error ? error.message : String(error)}`);
  }
}

async function deleteMade(
  client: ApiClient,
  organizationId: string,
  intent: EndpointIntent,
  keep: string | undefined,
  log: (line: string) => void,
  what: string,
): Promise<void> {
  const made = (await madeByStep(client, organizationId, intent)).made.filter((endpoint) => endpoint.id !== keep);
  for (const endpoint of made) await deleteEndpoint(client, organizationId, intent.serviceId, endpoint.id as string);
  if (made.length > 0) log(`Deleted ${what}: ${made.map((e) => e.id).join(', ')}.`);
}

/** Deletes one endpoint; one already gone counts as deleted. */
async function deleteEndpoint(client: ApiClient, organizationId: string, serviceId: string, id: string): Promise<void> {
  try {
    await client.delete(reversePrivateEndpointPath(organizationId, serviceId, id));
  } catch (error) {
    if (!(error instanceof ApiError && error.status === 404)) throw error;
  }
}

/**
 * The post step's part: a main step that did not finish made its endpoint for nothing (nobody got
 * its outputs), so the endpoint goes, with any copies; after one that finished, only late copies
 * of a create that needed recovery go. Throws when something may be left.
 */
export async function finishReverseEndpoint(intent: EndpointIntent, record: JournalRecord, context: PostContext): Promise<void> {
  const { client, organizationId, log } = context;
  if (record.finished) {
    if (record.ambiguous) await deleteMade(client, organizationId, intent, record.created, log, "late copies of this step's endpoint");
    return;
  }
  if (record.created) {
    await deleteEndpoint(client, organizationId, intent.serviceId, record.created);
    log(`Deleted reverse private endpoint ${record.created}: the step that created it did not finish.`);
    if (!record.ambiguous) return;
  }
  await deleteMade(client, organizationId, intent, record.created, log, 'reverse private endpoints this step made but did not finish');
}

function sameRequest(endpoint: ReversePrivateEndpoint, request: CreateReversePrivateEndpoint): boolean {
  const fields = Object.keys(request) as Array<keyof CreateReversePrivateEndpoint>;
  return fields.every((field) => (endpoint[field] ?? null) === (request[field] ?? null));
}
