import type { ApiClient } from '../api/client.js';
import type { ApiKey } from '../api/types.js';
import { formatDuration } from '../inputs/duration.js';
import type { PruneKeysSettings } from '../inputs/prune-keys.js';
import { deleteKeyIfPresent } from './delete-key.js';
import { listKeys } from './list-keys.js';
import type { OperationResult } from './result.js';
import { reasonOf } from '../reason.js';

/**
 * Keys left by runs that never reached their post step: named with the prefix, and expired or
 * older than `older-than`. Never the authenticating key (the API cannot delete it, and it would
 * lock the workflow out), which is known only by its suffix, as the vendor's own tools find it.
 */
function selectStaleKeys(keys: ApiKey[], settings: PruneKeysSettings, now: number): ApiKey[] {
  const ownSuffix = settings.common.credentials.keyId.slice(-4);
  const cutoff = now - settings.olderThanMs;
  return keys.filter((key) => {
    // A key without a suffix cannot be told apart from the authenticating one, so it stays.
    if (!key.id || !key.keySuffix || !(key.name ?? '').startsWith(settings.namePrefix) || key.keySuffix === ownSuffix) return false;
    const expired = key.expireAt != null && Date.parse(key.expireAt) <= now;
    const old = key.createdAt !== undefined && Date.parse(key.createdAt) < cutoff;
    return expired || old;
  });
}

export async function pruneKeys(settings: PruneKeysSettings, client: ApiClient, now: number): Promise<OperationResult> {
  const { organizationId } = settings.common;
  const listed = await listKeys(client, organizationId);
  const stale = selectStaleKeys(listed.result, settings, now);
  const deleted: ApiKey[] = [];
  const warnings: string[] = [];
  const failures: string[] = [];
  for (const key of settings.dryRun ? [] : stale) {
    try {
      const { wasGone } = await deleteKeyIfPresent(client, organizationId, key.id as string);
      if (wasGone) warnings.push(`API key ${key.id} (${key.name}) was already gone, deleted by someone else.`);
      else deleted.push(key);
    } catch (error) {
      failures.push(`${key.id} (${key.name}): ${reasonOf(error)}`);
    }
  }
  const gone = settings.dryRun ? stale : deleted;
  const verb = settings.dryRun ? 'Would delete' : 'Deleted';
  return {
    operation: 'prune-keys',
    response: listed,
    result: gone,
    outputs: { deleted: JSON.stringify(gone.map((key) => key.id)), count: String(gone.length) },
    secrets: [],
    warnings,
    failure: failures.length > 0 ? `Could not delete ${failures.length} of ${stale.length} stale keys: ${failures.join('; ')}` : undefined,
    message: `${verb} ${gone.length} of the organization's ${listed.result.length} keys (prefix ${JSON.stringify(settings.namePrefix)}, expired or older than ${formatDuration(settings.olderThanMs)}).`,
    summary: [
      ['Keys listed', String(listed.result.length)],
      [settings.dryRun ? 'Would delete (dry run)' : 'Deleted', String(gone.length)],
    ],
    details: {
      columns: ['Key', 'Name', 'Created', 'Expires'],
      rows: gone.map((key) => [key.id ?? '', key.name ?? '', key.createdAt ?? '', key.expireAt ?? 'never']),
    },
  };
}
