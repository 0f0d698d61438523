import type { Settings } from '../inputs/index.js';
import type { OperationContext } from './context.js';
import { allowRunnerIp } from './allow-runner-ip.js';
import { createKey } from './create-key.js';
import { createPrivateEndpoint } from './create-private-endpoint.js';
import { createReversePrivateEndpoint } from './create-reverse-private-endpoint.js';
import { deleteKey } from './delete-key.js';
import { deleteReversePrivateEndpoint } from './delete-reverse-private-endpoint.js';
import { pruneKeys } from './prune-keys.js';
import type { OperationResult } from './result.js';
import { startService } from './start-service.js';
import { createService } from './create-service.js';
import { deleteService } from './delete-service.js';
import { pruneServices } from './prune-services.js';

export function runOperation(settings: Settings, context: OperationContext): Promise<OperationResult> {
  switch (settings.operation) {
    case 'create-key':
      return createKey(settings, context);
    case 'delete-key':
      return deleteKey(settings, context.client);
    case 'prune-keys':
      return pruneKeys(settings, context.client, context.now);
    case 'create-private-endpoint':
      return createPrivateEndpoint(settings, context);
    case 'create-reverse-private-endpoint':
      return createReversePrivateEndpoint(settings, context);
    case 'delete-reverse-private-endpoint':
      return deleteReversePrivateEndpoint(settings, context.client);
    case 'allow-runner-ip':
      return allowRunnerIp(settings, context);
    case 'start-service':
      return startService(settings, context);
    case 'create-service':
      return createService(settings, context);
    case 'delete-service':
      return deleteService(settings, context.client, context.log);
    case 'prune-services':
      return pruneServices(settings, context.client, context.now, context.log);
  }
}
