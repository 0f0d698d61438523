import type { Emulator } from '../../emulator/server.js';
import { stepInputs } from './emulator.js';

export const RUNNER_IP = '34.120.17.5';

/** A create-service step on the emulator, allowing a fixed address (no lookup) unless told otherwise. */
export function serviceInputs(emulator: Emulator, inputs: Record<string, string> = {}): Record<string, string> {
  return stepInputs(emulator, {
    operation: 'create-service',
    provider: 'aws',
    region: 'us-east-1',
    'ip-access-list': RUNNER_IP,
    ...inputs,
  });
}

/** Services not being deleted (the API deletes asynchronously: `terminating`, then gone). */
const live = (emulator: Emulator) => emulator.services().filter((service) => service.state !== 'terminating');
/** The live services besides the seeded one. */
export const madeServices = (emulator: Emulator) => live(emulator).filter((service) => service.id !== emulator.serviceId);
export const named = (emulator: Emulator, name: string | undefined) => live(emulator).filter((service) => service.name === name);
export const MANAGED = { key: 'managed-by', value: 'clickhouse-cloud-action' };
