import { expect, test } from '@jest/globals';
import { runStep, type StepRun } from '../emulator/runner.js';
import { faultTable } from './helpers/fault-table.js';
import { stepInputs, useEmulator } from './helpers/emulator.js';

const emulator = useEmulator();
const keys = () => emulator().keys().length;
const POST = 'POST';
const says = (pattern: RegExp) => (main: StepRun) => expect(main.stdout).toMatch(pattern);

// create-key with a generated name: a key found after an unanswered POST is provably the step's,
// but its secret is lost, so it is deleted and a fresh one made. The post step revokes the one kept.
faultTable('create-key', emulator, () => ({ 'revoke-on-exit': 'true' }), keys, [
  {
    fault: '429 with Retry-After',
    inject: { method: POST, fault: { kind: 'status', status: 429, retryAfter: 1 } },
    exitCode: 0,
    requests: 2,
    left: 1,
    afterPost: 0,
  },
  {
    fault: '503 then success',
    inject: { method: POST, fault: { kind: 'status', status: 503 } },
    exitCode: 0,
    requests: 4,
    left: 1,
    afterPost: 0,
  },
  {
    fault: 'connection reset before the response',
    inject: { method: POST, fault: { kind: 'reset' } },
    exitCode: 0,
    requests: 4,
    left: 1,
    afterPost: 0,
  },
  {
    fault: 'response dropped after the create was committed',
    inject: { method: POST, fault: { kind: 'drop-after-commit' } },
    exitCode: 0,
    requests: 5,
    left: 1,
    afterPost: 0,
    check: says(
      /Deleted key\(s\) [0-9a-f-]{36}, created by this step although no answer \(and so no secret\) came; creating a fresh one\./,
    ),
  },
  {
    fault: 'slow response past the timeout',
    inject: { method: POST, fault: { kind: 'delay', ms: 1200 } },
    inputs: { 'request-timeout': '1s' },
    exitCode: 0,
    requests: 5,
    left: 1,
    afterPost: 0,
  },
  {
    fault: '401',
    inputs: { 'api-key-secret': 'wrong' },
    exitCode: 1,
    requests: 1,
    left: 0,
    check: says(/::error::.*HTTP 401.*UNAUTHORIZED/),
  },
  {
    fault: '500 on every try',
    inject: { method: POST, fault: { kind: 'status', status: 500 }, times: 2 },
    inputs: { 'max-attempts': '2' },
    exitCode: 1,
    requests: 4,
    left: 0,
    check: says(/::error::ClickHouse Cloud API answered HTTP 500 to POST \S+ after 2 attempts: INTERNAL_ERROR/),
  },
  {
    fault: 'response dropped, with a name the user chose',
    inject: { method: POST, fault: { kind: 'drop-after-commit' } },
    inputs: { name: 'shared-name' },
    exitCode: 1,
    requests: 2,
    left: 1,
    check: says(/::error::.*cannot prove which key is its own: key\(s\) [0-9a-f-]{36} named "shared-name"\. Nothing was deleted/),
  },
]);

// With local-secret the step knows the secret, so the key it finds is simply the result.
faultTable('create-key', emulator, () => ({ 'local-secret': 'true' }), keys, [
  {
    fault: 'local-secret: response dropped after the create was committed',
    inject: { method: POST, fault: { kind: 'drop-after-commit' } },
    exitCode: 0,
    requests: 2,
    left: 1,
    afterPost: 0,
    check: says(/The key was created although no answer came: [0-9a-f-]{36}; the step knows its secret and uses it\./),
  },
  {
    fault: 'local-secret: slow response past the timeout',
    inject: { method: POST, fault: { kind: 'delay', ms: 1200 } },
    inputs: { 'request-timeout': '1s' },
    exitCode: 0,
    requests: 2,
    left: 1,
    afterPost: 0,
  },
]);

faultTable('delete-key', emulator, (e) => ({ key: e.seedKey({ name: 'doomed' }).id }), keys, [
  // The key is seeded after `before` is counted: 0 left means it was deleted, 1 that it survived.
  { fault: '503 then success', inject: { method: 'DELETE', fault: { kind: 'status', status: 503 } }, exitCode: 0, requests: 2, left: 0 },
  {
    fault: 'connection reset before the response',
    inject: { method: 'DELETE', fault: { kind: 'reset' } },
    exitCode: 0,
    requests: 2,
    left: 0,
  },
  {
    fault: 'response dropped after the delete was committed',
    inject: { method: 'DELETE', fault: { kind: 'drop-after-commit' } },
    exitCode: 0,
    requests: 2,
    left: 0,
    check: says(/::warning::API key .* was already gone/),
  },
  {
    fault: '500 on every try',
    inject: { method: 'DELETE', fault: { kind: 'status', status: 500 }, times: 2 },
    inputs: { 'max-attempts': '2' },
    exitCode: 1,
    requests: 2,
    left: 1,
  },
]);

test('a first try that commits after the step moved on is swept by the post step', async () => {
  const before = keys();
  emulator().addFault({ method: POST, fault: { kind: 'delay', ms: 3000 } });
  const inputs = stepInputs(emulator(), { operation: 'create-key', 'request-timeout': '1s' });
  const main = await runStep(inputs);
  expect(main.exitCode).toBe(0);
  expect(main.state['sweep-key-name']).toBe(main.outputs.name);
  // The delayed first try lands after the main step has finished: two keys under the step's name.
  const copies = () =>
    emulator()
      .keys()
      .filter((key) => key.name === main.outputs.name).length;
  for (let waited = 0; copies() < 2 && waited < 5000; waited += 100) await new Promise((resolve) => setTimeout(resolve, 100));
  expect(copies()).toBe(2);
  const post = await runStep(inputs, { state: main.state });
  expect(post.exitCode).toBe(0);
  expect(post.stdout).toContain("Deleted late copies of this step's key");
  expect(keys()).toBe(before);
});
