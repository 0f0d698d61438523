import type { ApiClient } from '../api/client.js';
import type { Service } from '../api/types.js';
import { MANAGED_BY } from '../inputs/create-service.js';
import { formatDuration } from '../inputs/duration.js';
import type { PruneServicesSettings } from '../inputs/prune-services.js';
import type { OperationResult } from './result.js';
import { deleteServices, howToDeleteService } from './service-deletion.js';
import { servicesTagged } from './service-tags.js';

/**
 * Services that runs left behind (cancelled before their post step, or made with
 * delete-on-exit: false): only those tagged managed-by=clickhouse-cloud-action, named with the
 * prefix and older than `older-than`. An untagged service is never considered, whatever its name.
 */
export async function pruneServices(
  settings: PruneServicesSettings,
  client: ApiClient,
  now: number,
  log: (line: string) => void,
): Promise<OperationResult> {
  const { organizationId } = settings.common;
  const listed = await servicesTagged(client, organizationId, [MANAGED_BY]);
  const cutoff = now - settings.olderThanMs;
  const stale = listed.result.filter(
    (service) =>
      (service.name ?? '').startsWith(settings.namePrefix) && service.createdAt !== undefined && Date.parse(service.createdAt) < cutoff,
  );
  const targets = stale.map((service) => ({ id: service.id as string, name: service.name }));
  const outcome = settings.dryRun
    ? undefined
    : await deleteServices(client, organizationId, targets, { timeoutMs: settings.waitTimeoutMs, log });
  const deletedIds = new Set((outcome?.deleted ?? []).filter((d) => !d.wasGone).map((d) => d.id));
  const gone: Service[] = settings.dryRun ? stale : stale.filter((service) => deletedIds.has(service.id as string));
  const failures = outcome?.failures ?? [];
  const verb = settings.dryRun ? 'Would delete' : 'Deleted';
  return {
    operation: 'prune-services',
    response: listed,
    result: gone,
    outputs: { deleted: JSON.stringify(gone.map((service) => service.id)), count: String(gone.length) },
    secrets: [],
    failure:
      failures.length > 0
        ? `Could not delete ${failures.length} of ${stale.length} stale services: ${failures.map((f) => `${f.name ?? ''} (${f.id}): ${f.reason}. ${howToDeleteService(f.id)}`).join('; ')}`
        : undefined,
    message: `${verb} ${gone.length} of ${listed.result.length} services tagged managed-by=clickhouse-cloud-action (prefix ${JSON.stringify(settings.namePrefix)}, older than ${formatDuration(settings.olderThanMs)}).`,
    summary: [
      ['Services tagged', String(listed.result.length)],
      [settings.dryRun ? 'Would delete (dry run)' : 'Deleted', String(gone.length)],
    ],
    details: {
      columns: ['Service', 'Name', 'Created', 'State'],
      rows: gone.map((service) => [service.id ?? '', service.name ?? '', service.createdAt ?? '', service.state ?? '']),
    },
  };
}
