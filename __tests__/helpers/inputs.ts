import { inputEnv } from '../../emulator/runner.js';

export const ORG = '3f1a7c52-9a0e-4d3b-8b8e-2f1a3c4d5e6f';
export const BASE_INPUTS = {
  operation: 'create-key',
  organization: ORG,
  'api-key-id': 'AdminKeyId0000000001',
  'api-key-secret': '4b1dAdminSecretForUnitTests00000000000000',
};

/** Sets INPUT_* (with action.yml's defaults, as the runner passes them) for an in-process read; returns a restore function. */
export function setInputs(inputs: Record<string, string>, extraEnv: Record<string, string> = {}): () => void {
  const saved = { ...process.env };
  for (const key of Object.keys(process.env)) if (key.startsWith('INPUT_') || key.startsWith('CLICKHOUSE_CLOUD_')) delete process.env[key];
  Object.assign(process.env, inputEnv(inputs), extraEnv);
  return () => {
    process.env = saved;
  };
}
