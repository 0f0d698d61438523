import type { ApiClient } from '../api/client.js';
import { keysPath } from '../api/paths.js';
import type { ApiKeyPostResponse } from '../api/types.js';
import type { CreateKeySettings } from '../inputs/create-key.js';
import { CREDENTIAL_ENV } from '../secrets.js';
import { generateLocalKey, hashDataFor } from './local-key.js';
import type { OperationResult } from './result.js';

/** State key under which the main step tells the post step which key to revoke. */
export const REVOKE_STATE = 'revoke-key';

export async function createKey(settings: CreateKeySettings, client: ApiClient): Promise<OperationResult> {
  const local = settings.localSecret ? generateLocalKey() : undefined;
  const body = local ? { ...settings.request, hashData: hashDataFor(local.keyId, local.secret) } : settings.request;
  const response = await client.post<ApiKeyPostResponse>(keysPath(settings.common.organizationId), body);
  const { key } = response.result ?? {};
  const keyId = local?.keyId ?? response.result?.keyId;
  const secret = local?.secret ?? response.result?.keySecret;
  if (!key?.id || !keyId || !secret) {
    throw new Error(`The API answered the key creation without ${key?.id ? 'the key ID or secret' : 'the key'} (request id ${response.requestId ?? 'unknown'}); check the organization's keys in the console.`);
  }
  return {
    operation: 'create-key',
    response,
    secrets: [secret],
    outputs: {
      id: key.id,
      'key-id': keyId,
      'key-secret': secret,
      name: key.name ?? settings.request.name,
      state: key.state ?? '',
      roles: JSON.stringify(key.roles ?? []),
      'key-suffix': key.keySuffix ?? keyId.slice(-4),
      'created-at': key.createdAt ?? '',
      'expire-at': key.expireAt ?? '',
    },
    summary: { resource: key.id, name: key.name ?? settings.request.name, status: key.state ?? '', expires: key.expireAt ?? 'never' },
    state: settings.revokeOnExit ? { [REVOKE_STATE]: key.id } : undefined,
    env: settings.exportEnv ? { [CREDENTIAL_ENV.keyId]: keyId, [CREDENTIAL_ENV.secret]: secret } : undefined,
  };
}
