import type { ApiClient } from '../api/client.js';
import type { Settings } from '../inputs/index.js';
import { createKey } from './create-key.js';
import type { OperationResult } from './result.js';

export function runOperation(settings: Settings, client: ApiClient): Promise<OperationResult> {
  switch (settings.operation) {
    case 'create-key':
      return createKey(settings, client);
  }
}
