import type { Intent, JournalRecord } from '../journal.js';
import { howToDeleteKey } from './key-recovery.js';
import { howToDeleteService } from './service-deletion.js';

/** Whether the post step will send anything for this record: only then do its credentials matter. */
function actsOnExit(intent: Intent, record: JournalRecord): boolean {
  if (!record.finished) return true;
  switch (intent.kind) {
    case 'key':
      return intent.revokeOnExit || record.ambiguous;
    case 'service':
      return intent.deleteOnExit || record.ambiguous;
    case 'ip-entry':
      return intent.removeOnExit;
    case 'service-start':
      return intent.stopOnExit && record.created !== undefined;
    case 'reverse-endpoint':
      return record.ambiguous;
    case 'private-endpoint':
      return false;
  }
}

/** What the main step recorded, with how to undo it by hand: the words of a failure that leaves it. */
function leftBehind(intent: Intent, record: JournalRecord): string {
  const { created } = record;
  switch (intent.kind) {
    case 'key':
      return created
        ? `API key ${created}: ${howToDeleteKey(created)}`
        : `API key ${JSON.stringify(intent.name)}: delete it in the ClickHouse Cloud console (Organization > API keys) or with operation: delete-key`;
    case 'service':
      return `service ${created ?? `tagged gha-mark=${intent.mark}`}: ${created ? howToDeleteService(created) : 'delete it in the ClickHouse Cloud console'}`;
    case 'reverse-endpoint':
      return `reverse private endpoint ${created ?? `whose description ends with [${intent.mark}]`} of service ${intent.serviceId}: delete it with operation: delete-reverse-private-endpoint or in the ClickHouse Cloud console`;
    case 'private-endpoint':
      return `private endpoint ${intent.endpointId} of service ${intent.serviceId}: detach it in the ClickHouse Cloud console if it should not stay`;
    case 'ip-entry':
      return `IP access list entry ${intent.source} of service ${intent.serviceId}: remove it in the ClickHouse Cloud console if it should not stay`;
    case 'service-start':
      return `service ${intent.serviceId}, started with stop-on-exit: stop it in the ClickHouse Cloud console if it should not run`;
  }
}

/** What a post step that cannot act leaves, in the words of its failure; empty when it would not have acted. */
export function leftAsItIs(intent: Intent, record: JournalRecord): string {
  return actsOnExit(intent, record) ? ` Left as it is: ${leftBehind(intent, record)}.` : '';
}

/**
 * The post step authenticates with the credentials in effect when the job ends, in the
 * organization then in effect. A later step may have exported another key to
 * CLICKHOUSE_CLOUD_API_KEY (or revoked the one it exported), or another CLICKHOUSE_ORG_ID: acting
 * with them would surprise the user, fail halfway, or take the other organization's 404 for
 * "already gone", so the step stops first, naming what it leaves.
 */
export function checkSameCredentials(intent: Intent, record: JournalRecord, keyId: string, organizationId: string): void {
  const left = leftAsItIs(intent, record);
  if (!left) return;
  if (record.authSuffix && keyId.slice(-4) !== record.authSuffix) {
    throw new Error(
      `the credentials now in effect are not the key the main step authenticated with (…${record.authSuffix}); a later step probably exported another key to CLICKHOUSE_CLOUD_API_KEY.${left}`,
    );
  }
  if (record.organizationId && organizationId.toLowerCase() !== record.organizationId.toLowerCase()) {
    throw new Error(
      `the organization now in effect (${organizationId}) is not the one the main step worked in (${record.organizationId}); a later step probably exported another CLICKHOUSE_ORG_ID.${left}`,
    );
  }
}
