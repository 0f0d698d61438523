import { readCommon, readOperation } from './common.js';
import { type CreateKeySettings, readCreateKey } from './create-key.js';
import { type DeleteKeySettings, readDeleteKey } from './delete-key.js';
import { InputError } from './errors.js';
import { type PruneKeysSettings, readPruneKeys } from './prune-keys.js';

export type Settings = CreateKeySettings | DeleteKeySettings | PruneKeysSettings;

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
    default:
      throw new InputError('operation', `is ${operation}, which this version does not implement yet`, 'create-key, delete-key, prune-keys');
  }
}
