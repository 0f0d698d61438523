import type { CommonSettings } from './common.js';
import { parseDuration } from './duration.js';
import { readBoolean, readInput } from './read.js';

export interface PruneServicesSettings {
  operation: 'prune-services';
  common: CommonSettings;
  namePrefix: string;
  olderThanMs: number;
  dryRun: boolean;
  waitTimeoutMs: number;
}

export function readPruneServices(common: CommonSettings): PruneServicesSettings {
  return {
    operation: 'prune-services',
    common,
    namePrefix: readInput('name-prefix') ?? 'gha-',
    olderThanMs: parseDuration('older-than', readInput('older-than') ?? '24h'),
    dryRun: readBoolean('dry-run', false),
    waitTimeoutMs: parseDuration('wait-timeout', readInput('wait-timeout') ?? '30m'),
  };
}
