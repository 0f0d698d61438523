import { describe, expect, test } from '@jest/globals';
import type { ApiClient, ApiResponse } from '../src/api/client.js';
import type { ReversePrivateEndpoint } from '../src/api/types.js';
import type { ReversePrivateEndpointSettings } from '../src/inputs/reverse-private-endpoint.js';
import { createReversePrivateEndpoint } from '../src/operations/create-reverse-private-endpoint.js';
import { waitForReady } from '../src/operations/wait-for-ready.js';

type Status = NonNullable<ReversePrivateEndpoint['status']>;
const answer = (status: Status): ApiResponse<ReversePrivateEndpoint> => ({
  httpStatus: 200,
  requestId: `r-${status}`,
  result: { id: 'e', status },
});

/** A clock that only moves when the waiter sleeps, and a client that answers the given statuses in turn. */
function fixture(statuses: Status[]) {
  let clock = 0;
  const sleeps: number[] = [];
  const logs: string[] = [];
  let polls = 0;
  const client = {
    get: async () => answer(statuses[Math.min(polls++, statuses.length - 1)] as Status),
  } as unknown as ApiClient;
  const options = {
    timeoutMs: 60_000,
    log: (line: string) => logs.push(line),
    sleep: async (ms: number) => {
      sleeps.push(ms);
      clock += ms;
    },
    now: () => clock,
  };
  return { client, options, sleeps, logs, polls: () => polls };
}

describe('waitForReady', () => {
  test('polls every 5 s, logging each change once', async () => {
    const f = fixture(['Provisioning', 'Provisioning', 'Provisioning', 'Provisioning', 'Provisioning', 'Ready']);
    const outcome = await waitForReady(f.client, '/p', answer('Provisioning'), f.options);
    expect(outcome.failure).toBeUndefined();
    expect(outcome.response.requestId).toBe('r-Ready');
    expect(f.sleeps).toEqual([5000, 5000, 5000, 5000, 5000, 5000]);
    expect(f.logs.filter((line) => line.startsWith('Status:'))).toEqual(['Status: Provisioning -> Ready after 30.0 s.']);
  });

  test('explains PendingAcceptance once and keeps waiting', async () => {
    const f = fixture(['PendingAcceptance', 'PendingAcceptance', 'PendingAcceptance', 'Ready']);
    const outcome = await waitForReady(f.client, '/p', answer('Provisioning'), f.options);
    expect(outcome.failure).toBeUndefined();
    expect(f.logs.filter((line) => line.includes("accepted on the cloud provider's side"))).toHaveLength(1);
  });

  test.each<Status>(['Failed', 'Rejected', 'Expired'])('%s ends the wait with a failure naming it', async (status) => {
    const f = fixture(['Provisioning', status]);
    const outcome = await waitForReady(f.client, '/p', answer('Provisioning'), f.options);
    expect(outcome.failure).toBe(`The reverse private endpoint ended in status ${status} after 10.0 s; it is kept so it can be inspected.`);
    expect(f.polls()).toBe(2);
  });

  test('gives up at the timeout, saying how long it waited and the last status', async () => {
    const f = fixture(['Provisioning']);
    const outcome = await waitForReady(f.client, '/p', answer('Provisioning'), { ...f.options, timeoutMs: 12_000 });
    expect(outcome.failure).toBe('The reverse private endpoint was not Ready after 12.0 s (wait-timeout 12s); last status Provisioning.');
    expect(f.sleeps).toEqual([5000, 5000, 2000]);
  });

  test('an endpoint Ready at creation needs no poll', async () => {
    const f = fixture([]);
    await expect(waitForReady(f.client, '/p', answer('Ready'), f.options)).resolves.toEqual({ response: answer('Ready') });
    expect(f.polls()).toBe(0);
  });
});

describe('what a conforming server may leave out', () => {
  test('a poll that fails keeps the last known state and says why', async () => {
    const client = { get: async () => Promise.reject(new Error('HTTP 500 after 5 attempts')) } as unknown as ApiClient;
    const outcome = await waitForReady(client, '/p', answer('Provisioning'), {
      timeoutMs: 60_000,
      log: () => undefined,
      sleep: async () => undefined,
    });
    expect(outcome.response).toEqual(answer('Provisioning'));
    expect(outcome.failure).toMatch(
      /^Polling the reverse private endpoint failed after \d+\.\d s \(last status Provisioning\): HTTP 500 after 5 attempts$/,
    );
  });

  test('every output of a reverse endpoint is set, empty when the API leaves the field out', async () => {
    const ENDPOINT_ID = '4d1b6c2e-8f3a-4b5c-9d6e-7f8091a2b3c4';
    const client = {
      list: async () => ({ httpStatus: 200, result: [] }),
      post: async () => ({ httpStatus: 200, requestId: 'r', result: { id: ENDPOINT_ID, status: 'Provisioning' } }),
    } as unknown as ApiClient;
    const settings = {
      operation: 'create-reverse-private-endpoint',
      common: { organizationId: '00000000-0000-4000-8000-000000000001' },
      serviceId: '00000000-0000-4000-8000-000000000002',
      request: { description: 'd', type: 'VPC_ENDPOINT_SERVICE', vpcEndpointServiceName: 'n' },
      ifExists: 'create',
      waitForReady: false,
      waitTimeoutMs: 1000,
    } as unknown as ReversePrivateEndpointSettings;
    const journal = {
      begin: () => undefined,
      created: () => undefined,
      ambiguous: () => undefined,
      refused: () => undefined,
      finished: () => undefined,
    };
    const result = await createReversePrivateEndpoint(settings, { client, journal, now: 0, log: () => undefined, warn: () => undefined });
    expect(result.outputs).toEqual({
      id: ENDPOINT_ID,
      'service-id': '00000000-0000-4000-8000-000000000002',
      description: '',
      type: '',
      'endpoint-id': '',
      'dns-names': '[]',
      'private-dns-names': '[]',
      status: 'Provisioning',
      'vpc-endpoint-service-name': '',
      'vpc-resource-configuration-id': '',
      'vpc-resource-share-arn': '',
      'msk-cluster-arn': '',
      'msk-authentication': '',
      'gcp-service-attachment': '',
      'custom-private-dns-mappings': '[]',
      created: 'true',
    });
  });
});
