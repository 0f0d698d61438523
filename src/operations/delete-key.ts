import type { ApiClient, ApiResponse } from '../api/client.js';
import { ApiError } from '../api/errors.js';
import { keyPath } from '../api/paths.js';
import type { DeleteKeySettings } from '../inputs/delete-key.js';
import type { OperationResult } from './result.js';

/**
 * Deletes a key; one that is already gone (any 404) counts as deleted, with a warning, since
 * the caller's goal, no such key, holds. Shared by delete-key, the post step and prune-keys.
 */
export async function deleteKeyIfPresent(
  client: ApiClient,
  organizationId: string,
  keyUuid: string,
): Promise<{ response: ApiResponse<undefined>; wasGone: boolean }> {
  try {
    return { response: await client.delete(keyPath(organizationId, keyUuid)), wasGone: false };
  } catch (error) {
    if (!(error instanceof ApiError) || error.status !== 404) throw error;
    return { response: { httpStatus: 404, requestId: error.requestId, result: undefined }, wasGone: true };
  }
}

export async function deleteKey(settings: DeleteKeySettings, client: ApiClient): Promise<OperationResult> {
  const { response, wasGone } = await deleteKeyIfPresent(client, settings.common.organizationId, settings.keyUuid);
  return {
    warnings: wasGone ? [`API key ${settings.keyUuid} was already gone; nothing to delete.`] : [],
    operation: 'delete-key',
    response,
    outputs: {},
    secrets: [],
    message: wasGone ? `API key ${settings.keyUuid} does not exist.` : `Deleted API key ${settings.keyUuid}.`,
    summary: [
      ['Key', settings.keyUuid],
      ['Outcome', wasGone ? 'already gone' : 'deleted'],
    ],
  };
}
