import { CancelledError } from '../cancel.js';
import type { ApiClient, ApiResponse } from '../api/client.js';
import { ApiError } from '../api/errors.js';
import { intervals } from '../intervals.js';
import { servicePath, servicesPath, serviceStatePath } from '../api/paths.js';
import type { Service } from '../api/types.js';
import { formatDuration } from '../inputs/duration.js';
import { isGone } from './gone.js';
import { listServices } from './service-tags.js';
import { reasonOf } from '../reason.js';

/** The states the live API deletes in (its 409 lists them): tried when a service will not stop. */
const LIVE_DELETABLE = ['provisioning', 'starting', 'awaking', 'idle', 'degraded', 'failed'];
/** Already on its way out: nothing more to send. */
const GOING = ['terminating', 'terminated', 'softdeleting', 'softdeleted'];

interface DeletionTarget {
  id: string;
  name?: string;
}

export interface Deleted extends DeletionTarget {
  /** The DELETE's answer; undefined when the service was already going or gone. */
  response?: ApiResponse<undefined>;
  /** It was gone (404) before anything was sent. */
  wasGone: boolean;
}

interface DeletionOutcome {
  deleted: Deleted[];
  failures: Array<DeletionTarget & { reason: string }>;
}

interface Progress extends DeletionTarget {
  state?: string;
  stopSent: boolean;
  conflicts: number;
  nextAt: number;
  done?: Deleted;
  failure?: string;
}

/** How a user deletes a service the action could not: the words of an `::error::`. */
export function howToDeleteService(id: string): string {
  return `Delete it in the ClickHouse Cloud console (the service's Settings > Delete service) or with operation: delete-service, service: ${id}`;
}

/**
 * Deletes services the caller has proven its own: each is stopped when it is in no state the
 * API deletes, waited for, and deleted (a 409 retried every 10 s), all within `timeoutMs`. Every
 * deletion is started before any is waited for. Each state change is logged once. Never throws
 * for one service's trouble: it is a failure of the outcome, so the others still go.
 */
export async function deleteServices(
  client: ApiClient,
  organizationId: string,
  targets: DeletionTarget[],
  { timeoutMs, log }: { timeoutMs: number; log: (line: string) => void },
): Promise<DeletionOutcome> {
  const deadline = Date.now() + timeoutMs;
  const all: Progress[] = targets.map((target) => ({ ...target, stopSent: false, conflicts: 0, nextAt: 0 }));
  const pending = () => all.filter((p) => !p.done && !p.failure);
  while (pending().length > 0) {
    for (const progress of pending()) {
      if (progress.nextAt > Date.now()) continue;
      try {
        await advance(client, organizationId, progress, log);
      } catch (error) {
        // A cancelled job stops here; only one service's trouble is its outcome.
        if (error instanceof CancelledError) throw error;
        progress.failure = reasonOf(error);
      }
    }
    const waiting = pending();
    if (waiting.length === 0) break;
    if (Date.now() >= deadline) {
      for (const progress of waiting) {
        progress.failure = `it was not deleted within ${formatDuration(timeoutMs)} (wait-timeout); last state ${progress.state ?? 'unknown'}`;
      }
      break;
    }
    const next = Math.min(...waiting.map((p) => p.nextAt));
    await client.pause(Math.max(0, Math.min(next, deadline) - Date.now()));
  }
  return {
    deleted: all.flatMap((p) => (p.done ? [p.done] : [])),
    failures: all.flatMap((p) => (p.failure ? [{ id: p.id, name: p.name, reason: p.failure }] : [])),
  };
}

/** One look at the service and the one request its state calls for. */
async function advance(client: ApiClient, organizationId: string, progress: Progress, log: (line: string) => void): Promise<void> {
  const path = servicePath(organizationId, progress.id);
  const label = progress.name ? `Service ${progress.name} (${progress.id})` : `Service ${progress.id}`;
  const listedIds = async () => (await listServices(client, servicesPath(organizationId))).result.map((service) => service.id);
  let service: Service;
  try {
    service = (await client.get<Service>(path)).result;
  } catch (error) {
    if (!(await isGone(error, progress.id, listedIds))) throw error;
    progress.done = { id: progress.id, name: progress.name, wasGone: progress.state === undefined };
    log(`${label} is gone.`);
    return;
  }
  progress.name ??= service.name;
  const state = service.state ?? 'unknown';
  if (state !== progress.state) log(`${label}: ${progress.state ? `${progress.state} -> ` : ''}${state}.`);
  progress.state = state;
  progress.nextAt = Date.now() + intervals.pollMs;
  if (GOING.includes(state)) {
    progress.done = { id: progress.id, name: progress.name, wasGone: false };
  } else if (state === 'stopping') {
    // On its way to stopped: the next look deletes it.
  } else if (state !== 'stopped' && !progress.stopSent) {
    // The document: a service "must be in stopped state" to be deleted. A stop the API refuses
    // (some states stop no further) leaves the DELETE to try, which the live API takes in them.
    try {
      await stop(client, organizationId, progress, label, state, log);
    } catch (error) {
      if (!(error instanceof ApiError && error.status >= 400 && error.status < 500)) throw error;
      progress.stopSent = true;
      await remove(client, organizationId, progress, label, listedIds, log);
    }
  } else if (state === 'stopped' || LIVE_DELETABLE.includes(state)) {
    await remove(client, organizationId, progress, label, listedIds, log);
  }
}

/** The DELETE: a refusal (409, or a strict server's 400 while not stopped) is tried again later. */
async function remove(
  client: ApiClient,
  organizationId: string,
  progress: Progress,
  label: string,
  listedIds: () => Promise<Array<string | undefined>>,
  log: (line: string) => void,
): Promise<void> {
  try {
    const response = await client.delete(servicePath(organizationId, progress.id));
    progress.done = { id: progress.id, name: progress.name, response, wasGone: false };
    log(`${label}: deletion accepted.`);
  } catch (error) {
    if (await isGone(error, progress.id, listedIds)) {
      progress.done = { id: progress.id, name: progress.name, wasGone: false };
      log(`${label} is gone.`);
      return;
    }
    const refusedForNow = error instanceof ApiError && (error.status === 409 || (error.status === 400 && progress.state !== 'stopped'));
    if (!refusedForNow) throw error;
    if (progress.conflicts++ === 0)
      log(`${label}: the API refused the deletion for now (${error.status}); retrying every ${intervals.deleteConflictRetryMs / 1000} s.`);
    progress.nextAt = Date.now() + intervals.deleteConflictRetryMs;
  }
}

async function stop(
  client: ApiClient,
  organizationId: string,
  progress: Progress,
  label: string,
  state: string,
  log: (line: string) => void,
): Promise<void> {
  await client.patch<Service>(serviceStatePath(organizationId, progress.id), { command: 'stop' });
  progress.stopSent = true;
  log(`${label}: sent stop, since the API deletes only a stopped service (it is ${state}).`);
}
