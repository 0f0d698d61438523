import type { CommonSettings } from './common.js';
import { parseDuration } from './duration.js';
import { readBoolean, readInput } from './read.js';

export interface PruneKeysSettings {
  operation: 'prune-keys';
  common: CommonSettings;
  namePrefix: string;
  olderThanMs: number;
  dryRun: boolean;
}

export function readPruneKeys(common: CommonSettings): PruneKeysSettings {
  return {
    operation: 'prune-keys',
    common,
    namePrefix: readInput('name-prefix') ?? 'gha-',
    olderThanMs: parseDuration('older-than', readInput('older-than') ?? '24h'),
    dryRun: readBoolean('dry-run', false),
  };
}
