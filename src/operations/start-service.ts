import type { ApiResponse } from '../api/client.js';
import { servicePath, serviceStatePath } from '../api/paths.js';
import type { Service } from '../api/types.js';
import { formatDuration } from '../inputs/duration.js';
import type { StartServiceSettings } from '../inputs/start-service.js';
import { intervals } from '../intervals.js';
import type { Intent, JournalRecord } from '../journal.js';
import type { OperationContext, PostContext } from './context.js';
import type { OperationResult } from './result.js';

/** States no command turns into `running`: the step fails on them, naming the state. */
const CANNOT_RUN = ['failed', 'degraded', 'terminating', 'terminated', 'softdeleting', 'softdeleted'];
/** What each resting state needs to become running; every other state (in motion, or unknown) is waited for. */
const COMMAND_FOR: Record<string, 'start' | 'awake'> = { stopped: 'start', idle: 'awake' };

/**
 * Brings the service to `running` from whatever state it is in: `awake` for an idle one, `start`
 * for a stopped one (a stopping one is waited for until stopped, then started), and polls every
 * 5 s within wait-timeout, logging each state change once.
 */
export async function startService(settings: StartServiceSettings, { client, journal, log }: OperationContext): Promise<OperationResult> {
  const { organizationId } = settings.common;
  const path = servicePath(organizationId, settings.serviceId);
  let response: ApiResponse<Service> = await client.get<Service>(path);
  const previous = response.result.state ?? 'unknown';
  log(`Service ${response.result.name ?? settings.serviceId} is ${previous}.`);
  const started = Date.now();
  let sent: 'start' | 'awake' | undefined;
  let failure: string | undefined;
  for (let state = previous; state !== 'running';) {
    if (CANNOT_RUN.includes(state)) {
      failure = `Service ${settings.serviceId} is ${state}, which cannot become running${sent ? '' : '; nothing was sent'}.`;
      break;
    }
    const command = sent ? undefined : COMMAND_FOR[state];
    if (command) {
      // Only `start` has an undo (stop-on-exit); `awake` leaves nothing for the post step.
      if (command === 'start')
        journal.begin({ kind: 'service-start', serviceId: settings.serviceId, stopOnExit: settings.stopOnExit, sentAt: Date.now() });
      response = await client.patch<Service>(serviceStatePath(organizationId, settings.serviceId), { command });
      if (command === 'start') journal.created(settings.serviceId);
      sent = command;
      log(`Sent ${command}.`);
    } else {
      const left = started + settings.waitTimeoutMs - Date.now();
      if (left <= 0) {
        failure = `Service ${settings.serviceId} was not running after ${formatDuration(settings.waitTimeoutMs)} (wait-timeout); last state ${state}.`;
        break;
      }
      await client.pause(Math.min(intervals.pollMs, left));
      response = await client.get<Service>(path);
    }
    const next = response.result.state ?? 'unknown';
    if (next !== state) log(`State: ${state} -> ${next} after ${((Date.now() - started) / 1000).toFixed(1)} s.`);
    state = next;
  }
  const service = response.result;
  const endpoints = service.endpoints ?? [];
  return {
    operation: 'start-service',
    response,
    failure,
    outputs: {
      state: service.state ?? '',
      'previous-state': previous,
      started: String(sent !== undefined),
      'service-id': settings.serviceId,
      name: service.name ?? '',
      endpoints: JSON.stringify(endpoints),
      host: endpoints.find((endpoint) => endpoint.protocol === 'https')?.host ?? '',
    },
    secrets: [],
    message: `Service ${service.name ?? settings.serviceId}: ${previous} -> ${service.state ?? 'unknown'}${sent ? ` (sent ${sent})` : ''}.`,
    summary: [
      ['Service', `${service.name ?? ''} (${settings.serviceId})`],
      ['State', `${previous} -> ${service.state ?? 'unknown'}`],
      ['Command sent', sent ?? 'none'],
      ['Stopped at job end', settings.stopOnExit && sent === 'start' ? 'yes' : 'no'],
    ],
  };
}

/**
 * The post step's part: stops the service when stop-on-exit asks for it (the intent exists only
 * when this step sent `start`, to a stopped service). A step cancelled before the API answered its
 * `start` may never have sent it: a service still stopped (or stopping) is left as it is.
 */
export async function finishServiceStart(
  intent: Extract<Intent, { kind: 'service-start' }>,
  record: JournalRecord,
  { client, organizationId, log }: PostContext,
): Promise<void> {
  if (!intent.stopOnExit) return;
  if (!record.created) {
    const { state } = (await client.get<Service>(servicePath(organizationId, intent.serviceId))).result;
    if (state === 'stopped' || state === 'stopping') return;
  }
  await client.patch<Service>(serviceStatePath(organizationId, intent.serviceId), { command: 'stop' });
  log(`Stopped service ${intent.serviceId}, which this step had started from stopped.`);
}
