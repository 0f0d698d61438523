import * as core from '@actions/core';
import { connect } from './api/connect.js';
import { readCommon } from './inputs/common.js';
import { info } from './log.js';
import { AUTH_SUFFIX_STATE, REVOKE_STATE, SWEEP_STATE } from './operations/create-key.js';
import { deleteEndpointCopies, ENDPOINT_COPIES_STATE, type EndpointCopyMark } from './operations/create-reverse-private-endpoint.js';
import { deleteKeyIfPresent } from './operations/delete-key.js';
import { type CopyMark, settleCopies } from './operations/key-recovery.js';
import { maskSuppliedSecrets } from './secrets.js';

const warn = (line: string) => core.warning(line);

/**
 * The post step, when the job ends: revokes the key the main step created, and deletes late
 * copies of a create that needed recovery. It authenticates with the step's own credentials (a
 * key cannot delete itself). Only a key left alive fails the job.
 */
export async function runPost(): Promise<void> {
  const keyUuid = core.getState(REVOKE_STATE);
  const endpointCopies = core.getState(ENDPOINT_COPIES_STATE);
  if (!keyUuid && !endpointCopies) {
    core.debug('Nothing to clean up: the main step created no key to revoke.');
    return;
  }
  maskSuppliedSecrets();
  if (keyUuid) await revokeKey(keyUuid);
  if (endpointCopies) {
    try {
      const common = readCommon('create-reverse-private-endpoint');
      await deleteEndpointCopies(await connect(common), common.organizationId, JSON.parse(endpointCopies) as EndpointCopyMark, info, warn);
    } catch (error) {
      warn(`Could not check for late copies of the reverse private endpoint: ${error instanceof Error ? error.message : String(error)}`);
    }
  }
}

async function revokeKey(keyUuid: string): Promise<void> {
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
    const sweep = core.getState(SWEEP_STATE);
    if (sweep) {
      const mark = JSON.parse(sweep) as CopyMark;
      const context = { client, organizationId: common.organizationId, ...mark, sentAt: 0, log: info, warn };
      await settleCopies({ ...context, nameIsGenerated: mark.localSuffix === undefined }, keyUuid);
    }
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    core.setFailed(
      `Could not revoke API key ${keyUuid}: ${reason}. Delete it by hand (ClickHouse Cloud console, Organization > API keys) or with operation: delete-key, key: ${keyUuid}.`,
    );
  }
}
