import type { ApiClient, ApiResponse } from '../api/client.js';
import { intervals } from '../intervals.js';
import { ping, pingUrl } from '../api/ping.js';
import type { Service } from '../api/types.js';
import { CancelledError } from '../cancel.js';
import { formatDuration } from '../inputs/duration.js';
import { reasonOf } from '../reason.js';

/** States a service leaves for `running` only on a command, which create-service never sends. */
const CANNOT_RUN = ['stopped', 'stopping', 'failed', 'degraded', 'terminating', 'terminated', 'softdeleting', 'softdeleted'];

interface Readiness {
  service: Service;
  /** The last poll's response; undefined when no poll was needed. */
  response?: ApiResponse<Service>;
  /** Why the service does not answer traffic; undefined when it does. */
  failure?: string;
}

/**
 * Waits until the service answers SQL traffic: `running` comes first (the API says so minutes
 * before queries work), then its HTTPS interface's `/ping` must answer `Ok.`. Polls every 5 s
 * within `timeoutMs`, reading the state on each round (so a service stopped meanwhile fails at
 * once, and a cancellation stops the wait), and logs each change once. A state that cannot
 * become running fails at once, naming it.
 */
export async function waitUntilServing(
  client: ApiClient,
  path: string,
  created: Service,
  { timeoutMs, log }: { timeoutMs: number; log: (line: string) => void },
): Promise<Readiness> {
  const started = Date.now();
  const waited = () => `${((Date.now() - started) / 1000).toFixed(1)} s`;
  let service = created;
  let response: ApiResponse<Service> | undefined;
  let lastPing: string | undefined;
  log(
    `Waiting up to ${formatDuration(timeoutMs)} for service ${service.name ?? service.id} to run and answer /ping (state ${service.state ?? 'unknown'}).`,
  );
  for (;;) {
    const state = service.state ?? 'unknown';
    if (CANNOT_RUN.includes(state))
      return { service, response, failure: `Service ${service.id} is ${state}, which cannot become running.` };
    if (state === 'running') {
      const https = (service.endpoints ?? []).find((endpoint) => endpoint.protocol === 'https');
      if (!https?.host || !https.port)
        return { service, response, failure: `Service ${service.id} is running but the API names no https endpoint to ping.` };
      const answer = await ping(pingUrl(https.host, https.port));
      if (answer.ok) {
        log(`The service answers /ping (Ok.) after ${waited()}.`);
        return { service, response };
      }
      if (answer.problem !== lastPing) log(`/ping does not answer Ok. yet (${answer.problem}); waiting.`);
      lastPing = answer.problem;
    }
    const left = started + timeoutMs - Date.now();
    if (left <= 0) {
      const why = state === 'running' ? `its /ping last answered ${lastPing}` : `last state ${state}`;
      return {
        service,
        response,
        failure: `Service ${service.id} did not answer traffic within ${formatDuration(timeoutMs)} (wait-timeout); ${why}.`,
      };
    }
    await client.pause(Math.min(intervals.pollMs, left));
    try {
      response = await client.get<Service>(path);
    } catch (error) {
      if (error instanceof CancelledError) throw error;
      // The service exists: its last known state still becomes the outputs.
      return {
        service,
        response,
        failure: `Polling service ${service.id} failed after ${waited()} (last state ${state}): ${reasonOf(error)}`,
      };
    }
    service = response.result;
    if (service.state !== state) log(`State: ${state} -> ${service.state ?? 'unknown'} after ${waited()}.`);
  }
}
