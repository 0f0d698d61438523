import { expect, test } from '@jest/globals';
import { runStep } from '../emulator/runner.js';
import { reverseEndpointInputs, stepInputs, useEmulator } from './helpers/emulator.js';

// What the API adds later (a field, an enum value the document does not list) passes through to
// `result` and the outputs; nothing in the action fails on it.
const emulator = useEmulator({
  laterApi: (operation, result) => {
    if (operation === 'POST /v1/organizations/{organizationId}/keys') {
      const created = result as { key: Record<string, unknown> };
      return { ...created, key: { ...created.key, state: 'suspended', rotationPolicy: { days: 30 } } };
    }
    if (operation.startsWith('POST') && operation.endsWith('/clickpipesReversePrivateEndpoints')) {
      return { ...(result as object), status: 'Migrating', region: 'us-east-1' };
    }
    return result;
  },
});

test('create-key: an unknown state and a new field reach the outputs and result', async () => {
  const step = await runStep(stepInputs(emulator(), { operation: 'create-key', 'revoke-on-exit': 'false' }));
  expect(step.exitCode).toBe(0);
  expect(step.outputs.state).toBe('suspended');
  expect(JSON.parse(step.outputs.result ?? '{}').key.rotationPolicy).toEqual({ days: 30 });
});

test('create-reverse-private-endpoint: an unknown status and a new field reach the outputs', async () => {
  const step = await runStep(reverseEndpointInputs(emulator(), { description: 'later' }));
  expect(step.exitCode).toBe(0);
  expect(step.outputs).toMatchObject({ status: 'Migrating', region: 'us-east-1' });
  expect(JSON.parse(step.outputs.result ?? '{}').region).toBe('us-east-1');
});
