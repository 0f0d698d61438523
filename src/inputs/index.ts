import { readCommon, readOperation } from './common.js';
import { type CreateKeySettings, readCreateKey } from './create-key.js';
import { type DeleteKeySettings, readDeleteKey } from './delete-key.js';
import { type PrivateEndpointSettings, readPrivateEndpoint } from './private-endpoint.js';
import { type PruneKeysSettings, readPruneKeys } from './prune-keys.js';
import { type ReversePrivateEndpointSettings, readReversePrivateEndpoint } from './reverse-private-endpoint.js';

export type Settings = CreateKeySettings | DeleteKeySettings | PruneKeysSettings | PrivateEndpointSettings | ReversePrivateEndpointSettings;

/** Reads and validates every input of the chosen operation; throws InputError before any request. */
export function readSettings(now = Date.now()): Settings {
  const operation = readOperation();
  const common = readCommon(operation);
  switch (operation) {
    case 'create-key':
      return readCreateKey(common, now);
    case 'delete-key':
      return readDeleteKey(common);
    case 'prune-keys':
      return readPruneKeys(common);
    case 'create-private-endpoint':
      return readPrivateEndpoint(common);
    case 'create-reverse-private-endpoint':
      return readReversePrivateEndpoint(common);
  }
}
