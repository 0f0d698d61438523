import type { AmbiguousHandler, ApiClient, ApiResponse } from '../api/client.js';
import { fieldOutputs } from '../api/fields.js';
import { reversePrivateEndpointPath, reversePrivateEndpointsPath } from '../api/paths.js';
import type { ReversePrivateEndpoint } from '../api/types.js';
import { FAILED_STATUSES, type ReversePrivateEndpointSettings, TARGET_FIELDS } from '../inputs/reverse-private-endpoint.js';
import type { Intent, JournalRecord } from '../journal.js';
import type { OperationContext, PostContext } from './context.js';
import { deleteReverseEndpointIfPresent } from './delete-reverse-private-endpoint.js';
import { listEndpoints } from './reverse-endpoint-list.js';
import { recordedCreate } from './recorded-create.js';
import type { OperationResult } from './result.js';
import { waitForReady } from './wait-for-ready.js';
import { isUuid, madeIdProblem } from '../uuid.js';
import { reasonOf } from '../reason.js';

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
  context: OperationContext,
): Promise<OperationResult> {
  const { organizationId } = settings.common;
  const { serviceId } = settings;
  const { client, log } = context;
  const reused = settings.ifExists === 'reuse' ? await findReusable(client, organizationId, settings) : undefined;
  const made = reused ?? (await createMarked(settings, context));
  const id = made.result.id;
  const { response, failure } = settings.waitForReady
    ? await waitForReady(client, reversePrivateEndpointPath(organizationId, serviceId, id), made, {
        until: settings.waitUntil,
        timeoutMs: settings.waitTimeoutMs,
        log,
      })
    : { response: made, failure: undefined };
  const endpoint = response.result ?? made.result;
  return {
    operation: 'create-reverse-private-endpoint',
    response,
    outputs: { ...EMPTY_OUTPUTS, 'service-id': serviceId, ...fieldOutputs(endpoint), created: String(!reused) },
    secrets: [],
    failure,
    message: `Reverse private endpoint ${id} (${endpoint.type}) for service ${serviceId}: ${endpoint.status}${reused ? ' (an endpoint to the same target, reused: nothing created)' : ''}.`,
    summary: [
      ['Endpoint', id],
      ['Created', reused ? 'no: an endpoint to the same target was reused' : 'yes'],
      ['Description', endpoint.description ?? ''],
      ['Type', endpoint.type ?? ''],
      ['Status', endpoint.status ?? ''],
      ['Cloud endpoint', endpoint.endpointId ?? ''],
      ['DNS names', (endpoint.dnsNames ?? []).join(', ')],
    ],
  };
}

/**
 * if-exists reuse: an endpoint of the service to the same target (type and the type's own fields)
 * that has not failed is the result. Whoever made it owns it: nothing is recorded, so no post
 * step of this one ever touches it.
 */
async function findReusable(
  client: ApiClient,
  organizationId: string,
  { serviceId, request }: ReversePrivateEndpointSettings,
): Promise<ApiResponse<ReversePrivateEndpoint & { id: string }> | undefined> {
  const listed = await listEndpoints(client, organizationId, serviceId);
  const given = TARGET_FIELDS.filter((field) => request[field] != null);
  const found = listed.result
    .filter(hasUuid)
    .find(
      (endpoint) =>
        !(endpoint.status && FAILED_STATUSES.includes(endpoint.status)) && given.every((field) => endpoint[field] === request[field]),
    );
  return found && { ...listed, result: found };
}

/** Creates the endpoint under the journal; after a lost answer, the endpoint carrying the step's mark is the step's. */
async function createMarked(
  settings: ReversePrivateEndpointSettings,
  { client, journal, log, warn }: OperationContext,
): Promise<ApiResponse<ReversePrivateEndpoint & { id: string }>> {
  const { organizationId } = settings.common;
  const { serviceId, request } = settings;
  const listPath = reversePrivateEndpointsPath(organizationId, serviceId);
  const intent: EndpointIntent = { kind: 'reverse-endpoint', serviceId, mark: settings.mark, sentAt: Date.now() };
  const recover: AmbiguousHandler<ReversePrivateEndpoint> = async () => {
    const listed = await markedEndpoints(client, organizationId, intent);
    // Several marked ones are all this step's: the first is kept, the others go as late copies.
    const [mine] = listed.result;
    return mine ? { ...listed, result: mine } : 'retry';
  };
  const { response, ambiguous } = await recordedCreate<ReversePrivateEndpoint>(
    journal,
    intent,
    (onAmbiguous) =>
      client.post<ReversePrivateEndpoint>(listPath, request, onAmbiguous, (made) => madeIdProblem('reverse private endpoint', made.id)),
    recover,
    (result) => (hasUuid(result) ? result.id : undefined),
  );
  const { result } = response;
  if (!hasUuid(result)) {
    throw new Error(
      `The API answered the endpoint creation without an endpoint ID (a UUID) (request id ${response.requestId ?? 'unknown'}); the post step deletes the endpoint carrying this step's mark [${settings.mark}].`,
    );
  }
  // A try that landed after the look-up left a copy carrying the mark: it goes now, and one
  // landing later still goes in the post step.
  if (ambiguous) {
    try {
      await deleteMarked(client, organizationId, intent, result.id, log, "late copies of this step's endpoint");
    } catch (error) {
      warn(`${reasonOf(error)} The post step tries again.`);
    }
  }
  return { ...response, result };
}

function hasUuid(endpoint: ReversePrivateEndpoint | undefined): endpoint is ReversePrivateEndpoint & { id: string } {
  return typeof endpoint?.id === 'string' && isUuid(endpoint.id);
}

/**
 * The service's endpoints whose description ends with the step's mark, as the step appends it:
 * provably the step's. A description that only contains it may be a later step's quoting this one's.
 */
async function markedEndpoints(client: ApiClient, organizationId: string, intent: EndpointIntent) {
  const listed = await listEndpoints(client, organizationId, intent.serviceId);
  const tag = `[${intent.mark}]`;
  return { ...listed, result: listed.result.filter(hasUuid).filter((e) => (e.description ?? '').trimEnd().endsWith(tag)) };
}

/**
 * Deletes `ids` and every endpoint carrying the step's mark, except `keep`. Throws naming what it
 * could not delete, and how to delete it.
 */
async function deleteMarked(
  client: ApiClient,
  organizationId: string,
  intent: EndpointIntent,
  keep: string | undefined,
  log: (line: string) => void,
  what: string,
  ids: string[] = [],
): Promise<void> {
  const { serviceId, mark } = intent;
  let marked: string[];
  try {
    marked = (await markedEndpoints(client, organizationId, intent)).result.map((e) => e.id);
  } catch (error) {
    const listFailure = `Could not list the endpoints of service ${serviceId} to find those carrying this step's mark [${mark}] (${reasonOf(error)}); delete any such endpoint with operation: delete-reverse-private-endpoint or in the ClickHouse Cloud console.`;
    return deleteEach(client, organizationId, serviceId, ids, log, what, listFailure);
  }
  const targets = [...new Set([...ids, ...marked])].filter((id) => id !== keep);
  return deleteEach(client, organizationId, serviceId, targets, log, what);
}

async function deleteEach(
  client: ApiClient,
  organizationId: string,
  serviceId: string,
  ids: string[],
  log: (line: string) => void,
  what: string,
  earlierFailure?: string,
): Promise<void> {
  const deleted: string[] = [];
  const failed: string[] = [];
  for (const id of ids) {
    try {
      await deleteReverseEndpointIfPresent(client, organizationId, serviceId, id);
      deleted.push(id);
    } catch (error) {
      failed.push(
        `${id} (${reasonOf(error)}; delete it with operation: delete-reverse-private-endpoint, service: ${serviceId}, reverse-private-endpoint: ${id}, or in the ClickHouse Cloud console)`,
      );
    }
  }
  if (deleted.length > 0) log(`Deleted ${what}: ${deleted.join(', ')}.`);
  const problems = [
    ...(earlierFailure ? [earlierFailure] : []),
    ...(failed.length > 0 ? [`Could not delete reverse private endpoint ${failed.join(', ')}.`] : []),
  ];
  if (problems.length > 0) throw new Error(problems.join(' '));
}

/**
 * The post step's part. A main step that did not finish made its endpoint for nothing (nobody got
 * its outputs): the recorded one goes, and any carrying the step's mark. After one that finished,
 * only late copies carrying the mark go, never the endpoint it handed over. An endpoint without
 * the mark is never touched, however much it looks like the step's request.
 */
export async function finishReverseEndpoint(
  intent: EndpointIntent,
  record: JournalRecord,
  { client, organizationId, log }: PostContext,
): Promise<void> {
  if (record.finished) {
    if (record.ambiguous) await deleteMarked(client, organizationId, intent, record.created, log, "late copies of this step's endpoint");
    return;
  }
  const recorded = record.created ? [record.created] : [];
  const what = 'reverse private endpoints this step made but did not finish';
  // Without an ambiguous try, the answered create is the only endpoint the step can have made.
  if (record.created && !record.ambiguous) await deleteEach(client, organizationId, intent.serviceId, recorded, log, what);
  else await deleteMarked(client, organizationId, intent, undefined, log, what, recorded);
}
