import { expect, test } from '@jest/globals';
import { runStep, type StepRun } from '../emulator/runner.js';
import { FAULTS, faultTable, says, standardRows } from './helpers/fault-table.js';
import { stepInputs, useEmulator } from './helpers/emulator.js';

const emulator = useEmulator({ readyAfterPolls: 1 });
const keys = () => emulator().keys().length;
const dropped = FAULTS['response dropped after the commit'];
const deletedWithoutWarning = (main: StepRun) => {
  expect(main.stdout).toMatch(/^Deleted API key [0-9a-f-]{36}\.$/m);
  expect(main.stdout).not.toContain('::warning::');
};

// create-key with a generated name: a key found after an unanswered POST is provably the step's,
// but its secret is lost, so it is deleted and a fresh one made. The post step revokes the one kept.
// Requests after an ambiguous failure: a list, (a DELETE of the found key,) the POST again, and a
// last list for late copies.
faultTable(emulator, {
  operation: 'create-key',
  method: 'POST',
  inputs: () => ({}),
  count: keys,
  rows: [
    ...standardRows({
      '429, rate limited': { exitCode: 0, requests: 2, left: 1, afterPost: 0 },
      '503 then success': { exitCode: 0, requests: 4, left: 1, afterPost: 0 },
      'connection reset before the response': { exitCode: 0, requests: 4, left: 1, afterPost: 0 },
      'response dropped after the commit': {
        exitCode: 0,
        requests: 5,
        left: 1,
        afterPost: 0,
        check: says(
          /Deleted key\(s\) [0-9a-f-]{36}, created by this step although no answer \(and so no secret\) came; creating a fresh one\./,
        ),
      },
      'slow response past the timeout': { exitCode: 0, requests: 5, left: 1, afterPost: 0 },
      '401': { exitCode: 1, requests: 1, left: 0, check: says(/::error::.*HTTP 401.*UNAUTHORIZED/) },
      '500 on every try': {
        exitCode: 1,
        requests: 4,
        left: 0,
        check: says(/::error::ClickHouse Cloud API answered HTTP 500 to POST \S+ after 2 attempts: INTERNAL_ERROR/),
      },
    }),
    [
      'response dropped, with a name the user chose',
      { ...dropped, inputs: { name: 'shared-name' } },
      {
        exitCode: 1,
        requests: 2,
        left: 1,
        // The post step finds the same key, and again only names it.
        postExitCode: 1,
        check: says(
          /::error::.*cannot prove which key is its own: key\(s\) named "shared-name" created since it began: [0-9a-f-]{36} \(.*delete-key.*\)\. Nothing was deleted/,
        ),
      },
    ],
    // With local-secret the step knows the secret, so the key it finds is simply the result.
    [
      'local-secret, response dropped after the commit',
      { ...dropped, inputs: { 'local-secret': 'true' } },
      {
        exitCode: 0,
        requests: 3,
        left: 1,
        afterPost: 0,
        check: says(/The key was created although no answer came: [0-9a-f-]{36}; the step knows its secret and uses it\./),
      },
    ],
    [
      'local-secret, slow response past the timeout',
      { ...FAULTS['slow response past the timeout'], inputs: { 'request-timeout': '1s', 'local-secret': 'true' } },
      { exitCode: 0, requests: 3, left: 1, afterPost: 0 },
    ],
  ],
});

// The key is seeded after `before` is counted: 0 left means it was deleted, 1 that it survived.
faultTable(emulator, {
  operation: 'delete-key',
  method: 'DELETE',
  inputs: (e) => ({ key: e.seedKey({ name: 'doomed' }).id }),
  count: keys,
  rows: standardRows({
    '429, rate limited': { exitCode: 0, requests: 2, left: 0 },
    '503 then success': { exitCode: 0, requests: 2, left: 0 },
    'connection reset before the response': { exitCode: 0, requests: 2, left: 0 },
    // The retry's 404 follows an attempt whose answer was lost: that attempt did the deleting.
    'response dropped after the commit': { exitCode: 0, requests: 2, left: 0, check: deletedWithoutWarning },
    'slow response past the timeout': { exitCode: 0, requests: 2, left: 0, check: deletedWithoutWarning },
    '401': { exitCode: 1, requests: 1, left: 1 },
    '500 on every try': { exitCode: 1, requests: 2, left: 1 },
  }),
});

// The emulator, like an API that refuses a second key with the same hashes, turns a late first try
// of a local-secret key away (1 copy); a generated name has no such guard (2 copies, one swept).
test.each([
  ['a generated name', {}, 2],
  ['local-secret', { 'local-secret': 'true' }, 1],
])('%s: a first try that commits after the step moved on is swept by the post step', async (_what, extra, landed) => {
  const before = keys();
  emulator().addFault({ method: 'POST', fault: { kind: 'delay', ms: 3000 } });
  const inputs = stepInputs(emulator(), { operation: 'create-key', 'request-timeout': '1s', ...extra });
  const main = await runStep(inputs);
  expect(main.exitCode).toBe(0);
  expect(main.state).toMatchObject({ ambiguous: 'true', created: main.outputs.id });
  expect(JSON.parse(main.state.intent ?? '{}')).toMatchObject({ kind: 'key', name: main.outputs.name });
  // The delayed first try lands after the main step has finished: two keys under the step's name.
  const copies = () =>
    emulator()
      .keys()
      .filter((key) => key.name === main.outputs.name).length;
  const firstTryDone = () => emulator().requests.filter((r) => r.method === 'POST' && r.status !== 0).length >= 2;
  for (let waited = 0; !firstTryDone() && waited < 5000; waited += 100) await new Promise((resolve) => setTimeout(resolve, 100));
  expect(copies()).toBe(landed);
  const post = await runStep(inputs, { state: main.state });
  expect(post.exitCode).toBe(0);
  if (landed === 2) expect(post.stdout).toContain("may have left copies; deleted this step's key(s)");
  expect(keys()).toBe(before);
});
