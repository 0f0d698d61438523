import { keyPath, keysPath } from '../api/paths.js';
import type { ApiKeyPostResponse } from '../api/types.js';
import type { CreateKeySettings } from '../inputs/create-key.js';
import { CREDENTIAL_ENV } from '../secrets.js';
import type { OperationContext } from './context.js';
import { type KeyRecoveryContext, keyRecovery, settleCopies } from './key-recovery.js';
import { resolveAssignedRoles } from './assigned-roles.js';
import { generateLocalKey, hashDataFor } from './local-key.js';
import { recordedCreate } from './recorded-create.js';
import type { OperationResult } from './result.js';
import { idProblem } from '../uuid.js';

export async function createKey(settings: CreateKeySettings, { client, journal, log, warn }: OperationContext): Promise<OperationResult> {
  const { organizationId } = settings.common;
  const assignedRoleIds = settings.assignedRoles && (await resolveAssignedRoles(client, organizationId, settings.assignedRoles));
  const local = settings.localSecret ? generateLocalKey() : undefined;
  const body = {
    ...settings.request,
    ...(assignedRoleIds ? { assignedRoleIds } : {}),
    ...(local ? { hashData: hashDataFor(local.keyId, local.secret) } : {}),
  };
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
  const { response, ambiguous } = await recordedCreate<ApiKeyPostResponse>(
    journal,
    {
      kind: 'key',
      name: recovery.name,
      nameIsGenerated: recovery.nameIsGenerated,
      ...(recovery.localSuffix === undefined ? {} : { localSuffix: recovery.localSuffix }),
      revokeOnExit: settings.revokeOnExit,
      sentAt: recovery.sentAt,
    },
    (onAmbiguous) =>
      client.post<ApiKeyPostResponse>(keysPath(organizationId), body, onAmbiguous, (result) => idProblem('key', [result.key?.id])),
    keyRecovery(recovery),
    (result) => result?.key?.id,
  );
  if (ambiguous && response.result?.key?.id) await settleCopies(recovery, response.result.key.id);
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
      'assigned-roles': JSON.stringify(key.assignedRoles ?? []),
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
      ['Assigned roles', (key.assignedRoles ?? []).map((role) => role.roleName ?? role.roleId).join(', ')],
      ['Expires', expires || 'never'],
      ['Revoked at job end', settings.revokeOnExit ? 'yes' : 'no'],
    ],
    env: settings.exportEnv ? { [CREDENTIAL_ENV.keyId]: keyId, [CREDENTIAL_ENV.secret]: secret } : undefined,
  };
}
