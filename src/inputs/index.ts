import { readCommon, readOperation } from './common.js';
import { type CreateKeySettings, readCreateKey } from './create-key.js';
import { InputError } from './errors.js';

export type Settings = CreateKeySettings;

/** Reads and validates every input of the chosen operation; throws InputError before any request. */
export function readSettings(now = Date.now()): Settings {
  const operation = readOperation();
  const common = readCommon(operation);
  switch (operation) {
    case 'create-key':
      return readCreateKey(common, now);
    default:
      throw new InputError('operation', `is ${operation}, which this version does not implement yet`, 'create-key');
  }
}
