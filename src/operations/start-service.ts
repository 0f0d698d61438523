import type { ApiResponse } from '../api/client.js';
import { servicePath, serviceStatePath } from '../api/paths.js';
import type { Service } from '../api/types.js';
import { formatDuration } from '../inputs/duration.js';
import type { StartServiceSettings } from '../inputs/start-service.js';
import { intervals } from '../intervals.js';
import type { Intent, JournalRecord } from '../journal.js';
import type { OperationContext, PostContext } from './context.js';
import { recordedChange } from './recorded-create.js';
import type { OperationResult } from './result.js';

/** States no command turns into `running`: the step fails on them, naming the state. */
const CANNOT_RUN = ['failed', 'degraded', 'terminating', 'terminated', 'softdeleting', 'softdeleted'];
/** What each resting state needs to become running; every other state (in motion, or unknown) is waited for. */
const COMMAND_FOR: Record<string, 'start' | 'awake'> = { stopped: 'start', idle: 'awake' };
/** Where a service that someone stops goes: after the step's command, the step will not get it running. */
const STOPPED = ['stopped', 'stopping'];

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
  // Set once the service left stopped after the step's command (a first answer may still say stopped).
  let moved = false;
  let failure: string | undefined;
  for (let state = previous; state !== 'running';) {
    if (CANNOT_RUN.includes(state)) {
      failure = `Service ${settings.serviceId} is ${state}, which cannot become running${sent ? '' : '; nothing was sent'}.`;
      break;
    }
    if (sent && moved && STOPPED.includes(state)) {
      failure = `Service ${settings.serviceId} is ${state} again after this step sent ${sent}: someone stopped it while the step waited.`;
      break;
    }
    const command = sent ? undefined : COMMAND_FOR[state];
    if (command) {
      response = await sendCommand(command, settings, { client, journal });
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
    if (sent && !STOPPED.includes(next)) moved = true;
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
 * The command, under the journal when it is `start`: the one change stop-on-exit undoes, so its
 * outcome is recorded (accepted, or refused and never undone). `awake` leaves nothing to undo.
 */
function sendCommand(
  command: 'start' | 'awake',
  settings: StartServiceSettings,
  { client, journal }: Pick<OperationContext, 'client' | 'journal'>,
): Promise<ApiResponse<Service>> {
  const send = () => client.patch<Service>(serviceStatePath(settings.common.organizationId, settings.serviceId), { command });
  if (command === 'awake') return send();
  const intent = { kind: 'service-start', serviceId: settings.serviceId, stopOnExit: settings.stopOnExit, sentAt: Date.now() } as const;
  return recordedChange(journal, intent, send, settings.serviceId);
}

/**
 * The post step's part: stops the service when stop-on-exit asks for it, and only once the API
 * accepted this step's `start` to a stopped service. A start that was refused, never sent (the
 * step was cancelled first) or never answered proves nothing: whoever started the service owns it.
 */
export async function finishServiceStart(
  intent: Extract<Intent, { kind: 'service-start' }>,
  record: JournalRecord,
  { client, organizationId, log, warn }: PostContext,
): Promise<void> {
  if (!intent.stopOnExit) return;
  if (!record.created) {
    warn(
      `Service ${intent.serviceId} is left as it is: the API never answered that it accepted this step's start (it was not sent, or its answer was lost), so the step cannot prove it started the service.`,
    );
    return;
  }
  await client.patch<Service>(serviceStatePath(organizationId, intent.serviceId), { command: 'stop' });
  log(`Stopped service ${intent.serviceId}, which this step had started from stopped.`);
}
