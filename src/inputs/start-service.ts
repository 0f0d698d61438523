import { type CommonSettings, readService } from './common.js';
import { parseDuration } from './duration.js';
import { readBoolean, readInput } from './read.js';

export interface StartServiceSettings {
  operation: 'start-service';
  common: CommonSettings;
  serviceId: string;
  waitTimeoutMs: number;
  stopOnExit: boolean;
}

export function readStartService(common: CommonSettings): StartServiceSettings {
  return {
    operation: 'start-service',
    common,
    serviceId: readService(),
    waitTimeoutMs: parseDuration('wait-timeout', readInput('wait-timeout') ?? '15m'),
    stopOnExit: readBoolean('stop-on-exit', false),
  };
}
