import type { ApiClient } from '../api/client.js';
import type { Settings } from '../inputs/index.js';
import { createKey } from './create-key.js';
import { createPrivateEndpoint } from './create-private-endpoint.js';
import { createReversePrivateEndpoint } from './create-reverse-private-endpoint.js';
import { deleteKey } from './delete-key.js';
import { pruneKeys } from './prune-keys.js';
import type { OperationResult } from './result.js';

export interface OperationContext {
  client: ApiClient;
  now: number;
  log: (line: string) => void;
  warn: (line: string) => void;
}

export function runOperation(settings: Settings, { client, now, log, warn }: OperationContext): Promise<OperationResult> {
  switch (settings.operation) {
    case 'create-key':
      return createKey(settings, client, log, warn);
    case 'delete-key':
      return deleteKey(settings, client);
    case 'prune-keys':
      return pruneKeys(settings, client, now);
    case 'create-private-endpoint':
      return createPrivateEndpoint(settings, client);
    case 'create-reverse-private-endpoint':
      return createReversePrivateEndpoint(settings, client, log, warn);
  }
}
