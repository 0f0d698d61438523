import * as core from '@actions/core';
import { connect } from './api/connect.js';
import { readCommon } from './inputs/common.js';
import { info } from './log.js';
import { AUTH_SUFFIX_STATE, REVOKE_STATE, SWEEP_NAME_STATE } from './operations/create-key.js';
import { deleteKeyIfPresent } from './operations/delete-key.js';
import { deleteStragglers } from './operations/key-recovery.js';
import { maskSuppliedSecrets } from './secrets.js';

/**
 * The post step: revokes the key the main step created, with the step's own credentials (a key
 * cannot delete itself). Only a key left alive fails the job; a key already gone is a warning.
 */
export async function runPost(): Promise<void> {
  const keyUuid = core.getState(REVOKE_STATE);
  if (!keyUuid) {
    core.debug('No key to revoke: the main step created none, or revoke-on-exit was false.');
    return;
  }
  maskSuppliedSecrets();
  try {
    const common = readCommon('create-key');
    // Variables exported by a later step reach this one too; a different key here would be a surprise to the user.
    const suffix = core.getState(AUTH_SUFFIX_STATE);
    if (suffix && common.credentials.keyId.slice(-4) !== suffix) {
      throw new Error(
        `the credentials now in effect are not the key the main step authenticated with (…${suffix}); a later step probably exported another key to CLICKHOUSE_CLOUD_API_KEY`,
      );
    }
    const client = await connect(common);
    const { wasGone } = await deleteKeyIfPresent(client, common.organizationId, keyUuid);
    if (wasGone) core.warning(`API key ${keyUuid} was already gone; nothing to revoke.`);
    else info(`Revoked API key ${keyUuid}.`);
    const sweepName = core.getState(SWEEP_NAME_STATE);
    if (sweepName) {
      await deleteStragglers(
        { client, organizationId: common.organizationId, name: sweepName, nameIsGenerated: true, sentAt: 0, log: info },
        keyUuid,
      );
    }
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    core.setFailed(
      `Could not revoke API key ${keyUuid}: ${reason}. Delete it by hand (ClickHouse Cloud console, Organization > API keys) or with operation: delete-key, key: ${keyUuid}.`,
    );
  }
}
