import { expect, test } from '@jest/globals';
import { runStep } from '../emulator/runner.js';
import { FAULTS, faultTable, says, standardRows } from './helpers/fault-table.js';
import { stepInputs, useEmulator } from './helpers/emulator.js';

const emulator = useEmulator();
let endpointNumber = 0;
const failsAfterTwo = says(/after 2 attempts/);

// The endpoint ID is the cloud's own: after an unanswered POST the service's list says for
// certain whether it was attached. Requests: GET of the service (is it attached already?), POST,
// then on ambiguity a GET of the service.
faultTable(emulator, {
  operation: 'create-private-endpoint',
  method: 'POST',
  inputs: (e) => ({ service: e.serviceId, 'endpoint-id': `vpce-0a1b2c3d4e5f6${String(++endpointNumber).padStart(4, '0')}` }),
  count: (e) => e.privateEndpoints().length,
  rows: standardRows({
    '429, rate limited': { exitCode: 0, requests: 3, left: 1 },
    '503 then success': { exitCode: 0, requests: 4, left: 1 },
    'connection reset before the response': { exitCode: 0, requests: 4, left: 1 },
    'response dropped after the commit': { exitCode: 0, requests: 3, left: 1 },
    'slow response past the timeout': { exitCode: 0, requests: 3, left: 1 },
    '401': { exitCode: 1, requests: 1, left: 0 },
    '500 on every try': { exitCode: 1, requests: 5, left: 0, check: failsAfterTwo },
  }),
});

// The description sent carries the step's mark, so after an unanswered POST the endpoint carrying
// it is the step's. Requests (if-exists create: no list first): POST, and after an ambiguous
// failure a list, (the POST again,) and a last list for late copies.
faultTable(emulator, {
  operation: 'create-reverse-private-endpoint',
  method: 'POST',
  inputs: (e) => ({
    service: e.serviceId,
    description: `faults ${++endpointNumber}`,
    type: 'VPC_ENDPOINT_SERVICE',
    'vpc-endpoint-service-name': 'com.amazonaws.vpce.us-east-1.vpce-svc-0123456789abcdef0',
    'if-exists': 'create',
  }),
  count: (e) => e.reversePrivateEndpoints().length,
  rows: [
    ...standardRows({
      '429, rate limited': { exitCode: 0, requests: 2, left: 1 },
      '503 then success': { exitCode: 0, requests: 4, left: 1 },
      'connection reset before the response': { exitCode: 0, requests: 4, left: 1 },
      'response dropped after the commit': { exitCode: 0, requests: 3, left: 1 },
      'slow response past the timeout': { exitCode: 0, requests: 3, left: 1 },
      '401': { exitCode: 1, requests: 1, left: 0 },
      '500 on every try': { exitCode: 1, requests: 4, left: 0, check: failsAfterTwo },
    }),
    // The endpoint found after the drop is then polled (Ready on the 2nd GET of it): 1 + 2 + 2.
    [
      'response dropped, then wait-for-ready',
      { ...FAULTS['response dropped after the commit'], inputs: { 'wait-for-ready': 'true' } },
      { exitCode: 0, requests: 5, left: 1 },
    ],
  ],
});

test('a reverse endpoint whose first try commits after the step moved on is deleted by the post step', async () => {
  const count = () => emulator().reversePrivateEndpoints().length;
  const before = count();
  emulator().addFault({ method: 'POST', fault: { kind: 'delay', ms: 3000 } });
  const inputs = stepInputs(emulator(), {
    operation: 'create-reverse-private-endpoint',
    service: emulator().serviceId,
    description: 'late commit',
    type: 'VPC_ENDPOINT_SERVICE',
    'vpc-endpoint-service-name': 'com.amazonaws.vpce.us-east-1.vpce-svc-0123456789abcdef0',
    'if-exists': 'create',
    'request-timeout': '1s',
  });
  const main = await runStep(inputs);
  expect(main.exitCode).toBe(0);
  for (let waited = 0; count() < before + 2 && waited < 5000; waited += 100) await new Promise((resolve) => setTimeout(resolve, 100));
  expect(count()).toBe(before + 2);
  const post = await runStep(inputs, { state: main.state });
  expect(post.exitCode).toBe(0);
  expect(post.stdout).toContain("Deleted late copies of this step's endpoint");
  expect(
    emulator()
      .reversePrivateEndpoints()
      .map((e) => e.id),
  ).toContain(main.outputs.id);
  expect(count()).toBe(before + 1);
});
