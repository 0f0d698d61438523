import { expect } from '@jest/globals';
import type { StepRun } from '../emulator/runner.js';
import { faultTable } from './helpers/fault-table.js';
import { useEmulator } from './helpers/emulator.js';

const emulator = useEmulator();
const POST = 'POST';
const says = (pattern: RegExp) => (main: StepRun) => expect(main.stdout).toMatch(pattern);
let endpointNumber = 0;

// The endpoint ID is the cloud's own: after an unanswered POST the organization's list says for
// certain whether it was attached. Requests: POST, then on ambiguity a GET of the organization.
faultTable(
  'create-private-endpoint',
  emulator,
  (e) => ({ service: e.serviceId, 'endpoint-id': `vpce-0a1b2c3d4e5f6${String(++endpointNumber).padStart(4, '0')}` }),
  (e) => e.privateEndpoints().length,
  [
    {
      fault: '429 with Retry-After',
      inject: { method: POST, fault: { kind: 'status', status: 429, retryAfter: 1 } },
      exitCode: 0,
      requests: 2,
      left: 1,
    },
    { fault: '503 then success', inject: { method: POST, fault: { kind: 'status', status: 503 } }, exitCode: 0, requests: 3, left: 1 },
    {
      fault: 'connection reset before the response',
      inject: { method: POST, fault: { kind: 'reset' } },
      exitCode: 0,
      requests: 3,
      left: 1,
    },
    {
      fault: 'response dropped after the create was committed',
      inject: { method: POST, fault: { kind: 'drop-after-commit' } },
      exitCode: 0,
      requests: 2,
      left: 1,
    },
    {
      fault: 'slow response past the timeout',
      inject: { method: POST, fault: { kind: 'delay', ms: 1200 } },
      inputs: { 'request-timeout': '1s' },
      exitCode: 0,
      requests: 2,
      left: 1,
    },
    { fault: '401', inputs: { 'api-key-secret': 'wrong' }, exitCode: 1, requests: 1, left: 0 },
    {
      fault: '500 on every try',
      inject: { method: POST, fault: { kind: 'status', status: 500 }, times: 2 },
      inputs: { 'max-attempts': '2' },
      exitCode: 1,
      requests: 4,
      left: 0,
      check: says(/after 2 attempts/),
    },
  ],
);

// Reverse endpoints have no creation time, so the step lists them before its first try: the new
// one matching its description, type and fields is its own. Requests: GET (before), POST, ...
faultTable(
  'create-reverse-private-endpoint',
  emulator,
  (e) => ({
    service: e.serviceId,
    description: `faults ${++endpointNumber}`,
    type: 'VPC_ENDPOINT_SERVICE',
    'vpc-endpoint-service-name': 'com.amazonaws.vpce.us-east-1.vpce-svc-0123456789abcdef0',
  }),
  (e) => e.reversePrivateEndpoints().length,
  [
    {
      fault: '429 with Retry-After',
      inject: { method: POST, fault: { kind: 'status', status: 429, retryAfter: 1 } },
      exitCode: 0,
      requests: 3,
      left: 1,
    },
    { fault: '503 then success', inject: { method: POST, fault: { kind: 'status', status: 503 } }, exitCode: 0, requests: 4, left: 1 },
    {
      fault: 'connection reset before the response',
      inject: { method: POST, fault: { kind: 'reset' } },
      exitCode: 0,
      requests: 4,
      left: 1,
    },
    {
      fault: 'response dropped after the create was committed',
      inject: { method: POST, fault: { kind: 'drop-after-commit' } },
      exitCode: 0,
      requests: 3,
      left: 1,
    },
    {
      fault: 'slow response past the timeout',
      inject: { method: POST, fault: { kind: 'delay', ms: 1200 } },
      inputs: { 'request-timeout': '1s' },
      exitCode: 0,
      requests: 3,
      left: 1,
    },
    { fault: '401', inputs: { 'api-key-secret': 'wrong' }, exitCode: 1, requests: 1, left: 0 },
    {
      fault: '500 on every try',
      inject: { method: POST, fault: { kind: 'status', status: 500 }, times: 2 },
      inputs: { 'max-attempts': '2' },
      exitCode: 1,
      requests: 5,
      left: 0,
      check: says(/after 2 attempts/),
    },
  ],
);
