import type { AmbiguousHandler, ApiClient, ApiResponse } from '../api/client.js';
import { lookUpPublicIpv4 } from '../api/ip-lookup.js';
import { servicePasswordPath, servicePath, servicesPath } from '../api/paths.js';
import type { Service, ServicePasswordPatchResponse, ServicePostResponse } from '../api/types.js';
import type { CreateServiceSettings } from '../inputs/create-service.js';
import { InputError, quote } from '../inputs/errors.js';
import type { Intent, JournalRecord } from '../journal.js';
import { mask } from '../secrets.js';
import type { OperationContext, PostContext } from './context.js';
import { recordedCreate } from './recorded-create.js';
import type { OperationResult } from './result.js';
import { deleteServices, howToDeleteService } from './service-deletion.js';
import { waitUntilServing } from './service-readiness.js';
import { listServices, markTags, servicesTagged } from './service-tags.js';
import { isUuid, madeIdProblem } from '../uuid.js';

type ServiceIntent = Extract<Intent, { kind: 'service' }>;
/** The user the API creates every service with; the password it answers is this user's. */
const USERNAME = 'default';

/** A new password for a service whose first one was lost with its answer; masked before anything else sees it. */
async function newPassword(
  client: ApiClient,
  organizationId: string,
  serviceId: string,
): Promise<ApiResponse<ServicePasswordPatchResponse>> {
  const response = await client.patch<ServicePasswordPatchResponse>(servicePasswordPath(organizationId, serviceId), {});
  mask(response.result.password);
  if (!response.result.password)
    throw new Error(
      `The API set a new password for service ${serviceId} but did not answer it (request id ${response.requestId ?? 'unknown'}).`,
    );
  return response;
}

/**
 * After a create whose answer was lost or unreadable: the service carrying this step's mark is
 * the step's (a same-named one is not). Its password was answered once and is gone, so a new one
 * is set rather than a second service made.
 */
function serviceRecovery(
  client: ApiClient,
  organizationId: string,
  mark: string,
  log: (line: string) => void,
): AmbiguousHandler<ServicePostResponse> {
  return async () => {
    const found = (await servicesTagged(client, organizationId, markTags(mark))).result;
    const [service] = found.sort((a, b) => (a.createdAt ?? '').localeCompare(b.createdAt ?? ''));
    if (!service?.id) return 'retry';
    log(
      `The service was created although no answer came: ${service.id}${found.length > 1 ? ` (and ${found.length - 1} copies, which the post step deletes)` : ''}; its password cannot be read again, so the step sets a new one.`,
    );
    const reset = await newPassword(client, organizationId, service.id);
    return { httpStatus: reset.httpStatus, requestId: reset.requestId, result: { service, password: reset.result.password } };
  };
}

/** Fails (an input error, nothing created) on a same-named service, or answers it for `reuse`. */
async function existing(client: ApiClient, settings: CreateServiceSettings): Promise<ApiResponse<Service> | undefined> {
  const { organizationId } = settings.common;
  const { name } = settings.request;
  const same = (await listServices(client, servicesPath(organizationId))).result.filter((service) => service.name === name && service.id);
  if (same.length === 0) return undefined;
  const ids = same.map((service) => service.id).join(', ');
  if (settings.ifExists === 'fail' || same.length > 1) {
    throw new InputError(
      'name',
      `is ${quote(name)}, the name of ${same.length > 1 ? 'several services' : 'a service'} this organization already has (${ids}); nothing was created`,
      same.length > 1
        ? 'a name no service has'
        : 'another name, or if-exists: reuse to use that service (never stopped or deleted by this step)',
    );
  }
  return client.get<Service>(servicePath(organizationId, same[0]?.id as string));
}

export async function createService(settings: CreateServiceSettings, { client, journal, log }: OperationContext): Promise<OperationResult> {
  const { organizationId } = settings.common;
  const reused = await existing(client, settings);
  let response: ApiResponse<Service | ServicePostResponse>;
  let service: Service;
  let password: string | undefined;
  if (reused) {
    log(
      `Service ${settings.request.name} (${reused.result.id}) exists; if-exists: reuse makes it the result (no password, never deleted by this step).`,
    );
    response = reused;
    service = reused.result;
  } else {
    const ipAccessList = settings.ipAccessList ?? [
      { source: `${await lookUpPublicIpv4(settings.lookupUrls, log)}/32`, description: 'GitHub Actions runner' },
    ];
    const created = await recordedCreate<ServicePostResponse>(
      journal,
      {
        kind: 'service',
        name: settings.request.name,
        mark: settings.mark,
        deleteOnExit: settings.deleteOnExit,
        waitTimeoutMs: settings.waitTimeoutMs,
        sentAt: Date.now(),
      },
      async (onAmbiguous) => {
        const answer = await client.post<ServicePostResponse>(
          servicesPath(organizationId),
          { ...settings.request, ipAccessList },
          onAmbiguous,
          // No ID, or one not of the document's form, makes the answer unreadable: the service is found by its tags.
          (result) => madeIdProblem('service', result.service?.id),
        );
        mask(answer.result.password);
        return answer;
      },
      serviceRecovery(client, organizationId, settings.mark, log),
      (result) => result?.service?.id,
    );
    response = created.response;
    const answered = created.response.result.service;
    if (!answered?.id || !isUuid(answered.id)) {
      throw new Error(
        `The API answered the service creation without a service ID (request id ${response.requestId ?? 'unknown'}); the post step finds the service by its tags and deletes it.`,
      );
    }
    service = answered;
    password = created.response.result.password ?? (await newPassword(client, organizationId, answered.id)).result.password;
    log(
      `Created service ${service.name} (${service.id}), ${service.state}, tagged gha-mark=${settings.mark}${settings.deleteOnExit ? '; the post step deletes it' : ''}.`,
    );
  }
  let failure: string | undefined;
  if (settings.waitForReady) {
    const ready = await waitUntilServing(client, servicePath(organizationId, service.id as string), service, {
      timeoutMs: settings.waitTimeoutMs,
      log,
    });
    service = ready.service;
    response = ready.response ?? response;
    failure = ready.failure;
  }
  const endpoints = service.endpoints ?? [];
  const https = endpoints.find((endpoint) => endpoint.protocol === 'https');
  return {
    operation: 'create-service',
    response,
    failure,
    secrets: password ? [password] : [],
    outputs: {
      id: service.id ?? '',
      name: service.name ?? settings.request.name,
      state: service.state ?? '',
      host: https?.host ?? '',
      port: https?.port === undefined ? '' : String(https.port),
      endpoints: JSON.stringify(endpoints),
      username: USERNAME,
      password: password ?? '',
      created: String(!reused),
    },
    message: `Service ${service.name} (${service.id}) is ${service.state}${settings.waitForReady && !failure ? ' and answers /ping' : ''}${reused ? ' (reused)' : ''}.`,
    summary: [
      ['Service', `${service.name ?? ''} (${service.id ?? ''})`],
      ['State', service.state ?? ''],
      ['Host', https ? `${https.host}:${https.port}` : ''],
      ['Created', reused ? 'no: reused' : `yes, tagged gha-mark=${settings.mark}`],
      ['Deleted at job end', !reused && settings.deleteOnExit ? 'yes' : 'no'],
    ],
  };
}

/**
 * The post step's part: deletes the service the step made (when asked to, or when the main step
 * did not finish, so it was never handed over), and, when the main step never read the answer or
 * recovered from a lost one, every service carrying the step's mark. Nothing else: a same-named
 * service without the mark is never touched. Throws, naming each service left and how to delete it.
 */
export async function finishService(
  intent: ServiceIntent,
  record: JournalRecord,
  { client, organizationId, log }: PostContext,
): Promise<void> {
  const keep = record.finished && !intent.deleteOnExit ? record.created : undefined;
  const targets = record.created && record.created !== keep ? [{ id: record.created, name: intent.name }] : [];
  if (!record.created || record.ambiguous) {
    const found = (await servicesTagged(client, organizationId, markTags(intent.mark))).result.filter(
      (service) => service.id !== record.created && service.id !== keep,
    );
    if (found.length > 0)
      log(
        `Found ${found.length} service(s) tagged gha-mark=${intent.mark} whose answer the main step never read: ${found.map((s) => s.id).join(', ')}.`,
      );
    targets.push(...found.map((service) => ({ id: service.id as string, name: service.name ?? intent.name })));
  }
  if (targets.length === 0) return;
  const { failures } = await deleteServices(client, organizationId, targets, { timeoutMs: intent.waitTimeoutMs, log });
  if (failures.length > 0) {
    throw new Error(
      failures.map((f) => `Could not delete service ${f.name ?? ''} (${f.id}): ${f.reason}. ${howToDeleteService(f.id)}.`).join(' '),
    );
  }
}
