import { type CommonSettings, readService } from './common.js';
import { parseDuration } from './duration.js';
import { readInput } from './read.js';

export interface DeleteServiceSettings {
  operation: 'delete-service';
  common: CommonSettings;
  serviceId: string;
  waitTimeoutMs: number;
}

export function readDeleteService(common: CommonSettings): DeleteServiceSettings {
  return {
    operation: 'delete-service',
    common,
    serviceId: readService(),
    waitTimeoutMs: parseDuration('wait-timeout', readInput('wait-timeout') ?? '30m'),
  };
}
