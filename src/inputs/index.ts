import { readBodyInput } from './body.js';
import { type Operation, readCommon, readOperation } from './common.js';
import { type AllowRunnerIpSettings, readAllowRunnerIp } from './allow-runner-ip.js';
import { type CreateKeySettings, readCreateKey } from './create-key.js';
import { type DeleteKeySettings, readDeleteKey } from './delete-key.js';
import { type DeleteReversePrivateEndpointSettings, readDeleteReversePrivateEndpoint } from './delete-reverse-private-endpoint.js';
import { type PrivateEndpointSettings, readPrivateEndpoint } from './private-endpoint.js';
import { type PruneKeysSettings, readPruneKeys } from './prune-keys.js';
import { readInput } from './read.js';
import { type ReversePrivateEndpointSettings, readReversePrivateEndpoint } from './reverse-private-endpoint.js';
import { readStartService, type StartServiceSettings } from './start-service.js';
import { type CreateServiceSettings, readCreateService } from './create-service.js';
import { type DeleteServiceSettings, readDeleteService } from './delete-service.js';
import { type PruneServicesSettings, readPruneServices } from './prune-services.js';

export type Settings =
  | CreateKeySettings
  | DeleteKeySettings
  | PruneKeysSettings
  | PrivateEndpointSettings
  | ReversePrivateEndpointSettings
  | DeleteReversePrivateEndpointSettings
  | AllowRunnerIpSettings
  | StartServiceSettings
  | CreateServiceSettings
  | DeleteServiceSettings
  | PruneServicesSettings;

/** Reads and validates every input of the chosen operation; throws InputError before any request. */
export async function readSettings(now = Date.now()): Promise<Settings> {
  const operation = readOperation();
  const common = readCommon(operation);
  const body = OPERATION_INPUTS[operation].includes('body') ? await readBodyInput() : {};
  switch (operation) {
    case 'create-key':
      return readCreateKey(common, body, now);
    case 'delete-key':
      return readDeleteKey(common);
    case 'prune-keys':
      return readPruneKeys(common);
    case 'create-private-endpoint':
      return readPrivateEndpoint(common, body);
    case 'create-reverse-private-endpoint':
      return readReversePrivateEndpoint(common, body);
    case 'delete-reverse-private-endpoint':
      return readDeleteReversePrivateEndpoint(common);
    case 'allow-runner-ip':
      return readAllowRunnerIp(common);
    case 'start-service':
      return readStartService(common);
    case 'create-service':
      return readCreateService(common, body);
    case 'delete-service':
      return readDeleteService(common);
    case 'prune-services':
      return readPruneServices(common);
  }
}

const COMMON_INPUTS = [
  'operation',
  'organization',
  'api-key-id',
  'api-key-secret',
  'api-url',
  'max-attempts',
  'rate-limit-wait',
  'request-timeout',
];
const RPE_TYPE_INPUTS = [
  'vpc-endpoint-service-name',
  'vpc-resource-configuration-id',
  'vpc-resource-share-arn',
  'msk-cluster-arn',
  'msk-authentication',
  'gcp-service-attachment',
];

/** The inputs each operation reads besides the common ones (a test keeps them equal to action.yml). */
const OPERATION_INPUTS: Record<Operation, string[]> = {
  'create-key': [
    'body',
    'name',
    'roles',
    'assigned-roles',
    'expire-at',
    'state',
    'ip-access-list',
    'local-secret',
    'revoke-on-exit',
    'export-env',
  ],
  'delete-key': ['key'],
  'prune-keys': ['name-prefix', 'older-than', 'dry-run'],
  'create-private-endpoint': ['service', 'body', 'endpoint-id', 'description'],
  'create-reverse-private-endpoint': [
    'service',
    'body',
    'description',
    'type',
    ...RPE_TYPE_INPUTS,
    'custom-private-dns-mappings',
    'if-exists',
    'wait-for-ready',
    'wait-until',
    'wait-timeout',
  ],
  'delete-reverse-private-endpoint': ['service', 'reverse-private-endpoint'],
  'allow-runner-ip': ['service', 'ip', 'ip-lookup-urls', 'description', 'remove-on-exit'],
  'start-service': ['service', 'wait-timeout', 'stop-on-exit'],
  'create-service': [
    'body',
    'name',
    'provider',
    'region',
    'ip-access-list',
    'ip-lookup-urls',
    'min-replica-memory-gb',
    'max-replica-memory-gb',
    'num-replicas',
    'idle-scaling',
    'idle-timeout-minutes',
    'release-channel',
    'backup-id',
    'tags',
    'wait-for-ready',
    'wait-timeout',
    'delete-on-exit',
    'if-exists',
  ],
  'delete-service': ['service', 'wait-timeout'],
  'prune-services': ['name-prefix', 'older-than', 'dry-run', 'wait-timeout'],
};

export const ALL_INPUTS = [...new Set([...COMMON_INPUTS, ...Object.values(OPERATION_INPUTS).flat()])];

/** Inputs set on the step that its operation does not read: a likely slip (`key` on create-key), worth a warning. */
export function ignoredInputs(operation: Operation): string[] {
  const used = new Set([...COMMON_INPUTS, ...OPERATION_INPUTS[operation]]);
  return ALL_INPUTS.filter((name) => !used.has(name) && readInput(name) !== undefined);
}
