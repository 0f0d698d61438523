import type { ApiClient, ApiResponse } from '../api/client.js';
import { ApiError } from '../api/errors.js';
import { keyPath } from '../api/paths.js';
import type { DeleteKeySettings } from '../inputs/delete-key.js';
import { isGone } from './gone.js';
import { listKeys } from './list-keys.js';
import type { OperationResult } from './result.js';

/**
 * Deletes a key; one that is already gone counts as deleted, since the caller's goal, no such
 * key, holds. Shared by delete-key, the post step and prune-keys. `wasGone` says it was gone
 * before this step: a 404 after an attempt whose answer was lost means that attempt deleted it.
 */
export async function deleteKeyIfPresent(
  client: ApiClient,
  organizationId: string,
  keyUuid: string,
): Promise<{ response: ApiResponse<undefined>; wasGone: boolean }> {
  try {
    return { response: await client.delete(keyPath(organizationId, keyUuid)), wasGone: false };
  } catch (error) {
    const keyIds = async () => (await listKeys(client, organizationId)).result.map((key) => key.id);
    if (!(error instanceof ApiError) || !(await isGone(error, keyUuid, keyIds))) throw error;
    return { response: { httpStatus: error.status, requestId: error.requestId, result: undefined }, wasGone: error.attempts === 1 };
  }
}

export async function deleteKey(settings: DeleteKeySettings, client: ApiClient): Promise<OperationResult> {
  const { response, wasGone } = await deleteKeyIfPresent(client, settings.common.organizationId, settings.keyUuid);
  return {
    warnings: wasGone ? [`API key ${settings.keyUuid} was already gone; nothing to delete.`] : [],
    operation: 'delete-key',
    // The API's DELETE answers no `result`; whatever a server sends, the output stays empty.
    response: { ...response, result: undefined },
    outputs: {},
    secrets: [],
    message: wasGone ? `API key ${settings.keyUuid} does not exist.` : `Deleted API key ${settings.keyUuid}.`,
    summary: [
      ['Key', settings.keyUuid],
      ['Outcome', wasGone ? 'already gone' : 'deleted'],
    ],
  };
}
