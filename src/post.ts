import * as core from '@actions/core';
import { connect } from './api/connect.js';
import { ApiError } from './api/errors.js';
import { keyPath } from './api/paths.js';
import { readCommon } from './inputs/common.js';
import { REVOKE_STATE } from './operations/create-key.js';
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
    await connect(common).delete(keyPath(common.organizationId, keyUuid));
    core.info(`Revoked API key ${keyUuid}.`);
  } catch (error) {
    if (error instanceof ApiError && error.status === 404) {
      core.warning(`API key ${keyUuid} was already gone; nothing to revoke.`);
      return;
    }
    const reason = error instanceof Error ? error.message : String(error);
    core.setFailed(`Could not revoke API key ${keyUuid}: ${reason}. Delete it by hand (ClickHouse Cloud console, Organization > API keys) or with operation: delete-key, key: ${keyUuid}.`);
  }
}
