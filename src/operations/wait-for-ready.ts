import type { ApiClient, ApiResponse } from '../api/client.js';
import type { ReversePrivateEndpoint, ReversePrivateEndpointStatus } from '../api/types.js';
import { formatDuration } from '../inputs/duration.js';
import { FAILED_STATUSES } from '../inputs/reverse-private-endpoint.js';
import { intervals } from '../intervals.js';
import { reasonOf } from '../reason.js';

export interface WaitOptions {
  /** The statuses that end the wait well (default Ready). */
  until?: readonly ReversePrivateEndpointStatus[];
  timeoutMs: number;
  log: (line: string) => void;
  sleep?: (ms: number) => Promise<void>;
  now?: () => number;
}

export interface WaitOutcome {
  /** The last poll's response (or the create's, when no poll was needed). */
  response: ApiResponse<ReversePrivateEndpoint>;
  /** Why the wait did not end in a status of `until`; undefined when it did. */
  failure?: string;
}

/**
 * Polls until the endpoint is in a status of `until` (default Ready), every 5 s: a status change
 * is seen within 5 s, and a wait costs 12 requests a minute of the key's 60. (A first interval shorter than 5 s, and
 * growing to it, was measured: it only adds polls, since provisioning takes minutes, and pushes
 * the rate past 12 a minute.)
 */
export async function waitForReady(
  client: ApiClient,
  path: string,
  created: ApiResponse<ReversePrivateEndpoint>,
  options: WaitOptions,
): Promise<WaitOutcome> {
  const sleep = options.sleep ?? ((ms: number) => client.pause(ms));
  const now = options.now ?? Date.now;
  const until = options.until ?? ['Ready'];
  const wanted = until.join(' or ');
  const started = now();
  let response = created;
  let status = response.result?.status;
  let explainedAcceptance = false;
  options.log(`Waiting up to ${formatDuration(options.timeoutMs)} for the endpoint to be ${wanted} (status ${status ?? 'unknown'}).`);
  for (;;) {
    if (status && until.includes(status)) return { response };
    if (status && FAILED_STATUSES.includes(status)) {
      return {
        response,
        failure: `The reverse private endpoint ended in status ${status} after ${waited(now() - started)}; it is kept so it can be inspected.`,
      };
    }
    if (status === 'PendingAcceptance' && !explainedAcceptance) {
      options.log(
        "PendingAcceptance: the connection must be accepted on the cloud provider's side (e.g. the VPC endpoint service owner accepts the endpoint connection); still waiting.",
      );
      explainedAcceptance = true;
    }
    const left = started + options.timeoutMs - now();
    if (left <= 0) {
      return {
        response,
        failure: `The reverse private endpoint was not ${wanted} after ${waited(now() - started)} (wait-timeout ${formatDuration(options.timeoutMs)}); last status ${status ?? 'unknown'}.`,
      };
    }
    await sleep(Math.min(intervals.pollMs, left));
    try {
      response = await client.get<ReversePrivateEndpoint>(path);
    } catch (error) {
      // The endpoint exists: its last known state still becomes the outputs.
      const reason = reasonOf(error);
      return {
        response,
        failure: `Polling the reverse private endpoint failed after ${waited(now() - started)} (last status ${status ?? 'unknown'}): ${reason}`,
      };
    }
    const next = response.result?.status;
    if (next !== status) options.log(`Status: ${status ?? 'unknown'} -> ${next ?? 'unknown'} after ${waited(now() - started)}.`);
    status = next;
  }
}

function waited(ms: number): string {
  return `${(ms / 1000).toFixed(1)} s`;
}
