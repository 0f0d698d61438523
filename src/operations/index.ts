import type { ApiClient } from '../api/client.js';
import type { Settings } from '../inputs/index.js';
import { createKey } from './create-key.js';
import { deleteKey } from './delete-key.js';
import { pruneKeys } from './prune-keys.js';
import type { OperationResult } from './result.js';

export function runOperation(settings: Settings, client: ApiClient, now: number): Promise<OperationResult> {
  switch (settings.operation) {
    case 'create-key':
      return createKey(settings, client);
    case 'delete-key':
      return deleteKey(settings, client);
    case 'prune-keys':
      return pruneKeys(settings, client, now);
  }
}
