import type { ApiClient } from '../api/client.js';
import { keyPath, keysPath } from '../api/paths.js';
import type { ApiKeyPostResponse } from '../api/types.js';
import type { CreateKeySettings } from '../inputs/create-key.js';
import { CREDENTIAL_ENV } from '../secrets.js';
import { type KeyRecoveryContext, keyRecovery, settleCopies } from './key-recovery.js';
import { generateLocalKey, hashDataFor } from './local-key.js';
import type { OperationResult } from './result.js';

/** State keys under which the main step tells the post step which key to revoke, and with which credentials. */
export const REVOKE_STATE = 'revoke-key';
export const AUTH_SUFFIX_STATE = 'auth-key-suffix';
/** Set after a recovered creation: the post step also deletes any late copy matching this mark (JSON). */
export const SWEEP_STATE = 'sweep-key-copies';

export async function createKey(
  settings: CreateKeySettings,
  client: ApiClient,
  log: (line: string) => void,
  warn: (line: string) => void,
): Promise<OperationResult> {
  const { organizationId, credentials } = settings.common;
  const local = settings.localSecret ? generateLocalKey() : undefined;
  const body = local ? { ...settings.request, hashData: hashDataFor(local.keyId, local.secret) } : settings.request;
  const recovery: KeyRecoveryContext = {
    client,
    organizationId,
    name: settings.request.name,
    nameIsGenerated: settings.nameIsGenerated,
    localSuffix: local?.keyId.slice(-4),
    sentAt: Date.now(),
    log,
    warn,
  };
  let ambiguous = false;
  const recover = keyRecovery(recovery);
  const response = await client.post<ApiKeyPostResponse>(keysPath(organizationId), body, (error) => {
    ambiguous = true;
    return recover(error);
  });
  const sweep = ambiguous && response.result?.key?.id ? await settleCopies(recovery, response.result.key.id) : undefined;
  const key = response.result?.key;
  const keyId = local?.keyId ?? response.result?.keyId;
  const secret = local?.secret ?? response.result?.keySecret;
  if (!key?.id || !keyId || !secret) {
    // A key nobody can use is only a liability: take it back before failing.
    if (key?.id) await client.delete(keyPath(organizationId, key.id));
    throw new Error(
      `The API answered the key creation without the key${key?.id ? ' ID or secret; the key was deleted again' : ''} (request id ${response.requestId ?? 'unknown'}).`,
    );
  }
  const name = key.name ?? settings.request.name;
  const expires = key.expireAt ?? '';
  return {
    operation: 'create-key',
    response,
    secrets: [secret],
    outputs: {
      id: key.id,
      'key-id': keyId,
      'key-secret': secret,
      name,
      state: key.state ?? '',
      roles: JSON.stringify(key.roles ?? []),
      'key-suffix': key.keySuffix ?? keyId.slice(-4),
      'created-at': key.createdAt ?? '',
      'expire-at': expires,
    },
    message: `Created API key ${name} (${key.id}), ${key.state}, expires ${expires || 'never'}${settings.revokeOnExit ? '; the post step revokes it' : ''}.`,
    summary: [
      ['Key', key.id],
      ['Name', name],
      ['State', key.state ?? ''],
      ['Roles', (key.roles ?? []).join(', ')],
      ['Expires', expires || 'never'],
      ['Revoked at job end', settings.revokeOnExit ? 'yes' : 'no'],
    ],
    state: settings.revokeOnExit
      ? {
          [REVOKE_STATE]: key.id,
          [AUTH_SUFFIX_STATE]: credentials.keyId.slice(-4),
          ...(sweep ? { [SWEEP_STATE]: JSON.stringify(sweep) } : {}),
        }
      : undefined,
    env: settings.exportEnv ? { [CREDENTIAL_ENV.keyId]: keyId, [CREDENTIAL_ENV.secret]: secret } : undefined,
  };
}
