import type { CommonSettings } from './common.js';
import { parseUuid, requireInput } from './read.js';

export interface DeleteKeySettings {
  operation: 'delete-key';
  common: CommonSettings;
  keyUuid: string;
}

export function readDeleteKey(common: CommonSettings): DeleteKeySettings {
  const key = requireInput('key', "the key's UUID, the `id` output of the create-key step");
  return { operation: 'delete-key', common, keyUuid: parseUuid('key', key) };
}
