import { randomBytes } from 'node:crypto';
import { describe, expect, test } from '@jest/globals';
import { runJob, runStep } from '../emulator/runner.js';
import { apiRequests, errorLines, stepInputs, useEmulator } from './helpers/emulator.js';
import { cancelledMain, until } from './helpers/signals.js';

// Only the step's mark (or an ID from an answer to its own request) proves an endpoint its own;
// another job with the same inputs makes the same endpoint, without this step's mark.
const emulator = useEmulator({ readyAfterPolls: 1 });

/** A target no other test uses, so that if-exists reuse finds only what the test made. */
const freshTarget = () => `com.amazonaws.vpce.us-east-1.vpce-svc-${randomBytes(9).toString('hex').slice(0, 17)}`;

function endpointStep(target: string, inputs: Record<string, string> = {}): Record<string, string> {
  return stepInputs(emulator(), {
    operation: 'create-reverse-private-endpoint',
    service: emulator().serviceId,
    description: 'orders',
    type: 'VPC_ENDPOINT_SERVICE',
    'vpc-endpoint-service-name': target,
    ...inputs,
  });
}

/** Another job's endpoint to the same target, with the description this step's input gives, but no mark of it. */
const othersEndpoint = (target: string) =>
  emulator().seedReversePrivateEndpoint({ description: 'orders', type: 'VPC_ENDPOINT_SERVICE', vpcEndpointServiceName: target });

const endpointsTo = (target: string) =>
  emulator()
    .reversePrivateEndpoints()
    .filter((e) => e.vpcEndpointServiceName === target);
const ids = (target: string) => endpointsTo(target).map((e) => e.id);
const posts = () => apiRequests(emulator()).filter((r) => r.method === 'POST');
const received = (method: string) => () => emulator().requests.some((r) => r.method === method);
const committed = (method: string) => () => emulator().requests.some((r) => r.method === method && r.status === 200);

describe("a later step whose description quotes this step's", () => {
  test("the post step's sweep after a lost answer leaves it: only a description ending with the mark is the step's", async () => {
    const target = freshTarget();
    emulator().addFault({ method: 'POST', fault: { kind: 'drop-after-commit' } });
    const first = endpointStep(target, { 'if-exists': 'create' });
    const main = await runStep(first);
    expect(main.exitCode).toBe(0);
    expect(main.state.ambiguous).toBe('true');
    // A later step copies the first one's output, mark included, into its own description.
    const later = await runStep(endpointStep(target, { 'if-exists': 'create', description: main.outputs.description as string }));
    expect(later.exitCode).toBe(0);
    expect(later.outputs.description).toContain(main.outputs.description);
    const post = await runStep(first, { state: main.state });
    expect(post.exitCode).toBe(0);
    expect(ids(target).sort()).toEqual([main.outputs.id, later.outputs.id].sort());
  });
});

describe('custom private DNS names', () => {
  const dnsNames = () => `db-${randomBytes(4).toString('hex')}.example.com`;

  test('a lost answer is recovered by the mark: no second create, which the taken DNS name would refuse', async () => {
    const target = freshTarget();
    emulator().addFault({ method: 'POST', fault: { kind: 'drop-after-commit' } });
    const { main, post } = await runJob(endpointStep(target, { 'custom-private-dns-mappings': dnsNames(), 'if-exists': 'create' }));
    expect(main.exitCode).toBe(0);
    expect(posts()).toHaveLength(1);
    expect(main.outputs.created).toBe('true');
    expect(ids(target)).toEqual([main.outputs.id]);
    expect(post.exitCode).toBe(0);
    expect(ids(target)).toEqual([main.outputs.id]);
  });

  test('cancelled before the answer: the post step deletes the endpoint carrying the mark', async () => {
    const target = freshTarget();
    emulator().addFault({ method: 'POST', fault: { kind: 'delay', ms: 1500 } });
    const inputs = endpointStep(target, { 'custom-private-dns-mappings': dnsNames() });
    const main = await cancelledMain(inputs, received('POST'), ['SIGKILL']);
    expect(main.state.created).toBeUndefined();
    await until(committed('POST'));
    expect(ids(target)).toHaveLength(1);
    const post = await runStep(inputs, { state: main.state });
    expect(post.exitCode).toBe(0);
    expect(post.stdout).toContain('Deleted reverse private endpoints this step made but did not finish');
    expect(ids(target)).toEqual([]);
  });

  test('what the post step cannot delete it names, with how to delete it', async () => {
    const target = freshTarget();
    emulator().addFault({ method: 'POST', fault: { kind: 'delay', ms: 1500 } });
    const inputs = endpointStep(target, { 'max-attempts': '2' });
    const main = await cancelledMain(inputs, received('POST'), ['SIGKILL']);
    await until(committed('POST'));
    const [made] = ids(target);
    emulator().addFault({ method: 'DELETE', times: 2, fault: { kind: 'status', status: 500 } });
    const post = await runStep(inputs, { state: main.state });
    expect(post.exitCode).toBe(1);
    expect(errorLines(post.stdout)).toEqual([
      expect.stringMatching(
        new RegExp(
          `^::error::.*Could not delete reverse private endpoint ${made} .*operation: delete-reverse-private-endpoint, service: .*reverse-private-endpoint: ${made}, or in the ClickHouse Cloud console`,
        ),
      ),
    ]);
    expect(ids(target)).toEqual([made]);
  });
});

describe("another job's identical endpoint is never taken or deleted", () => {
  /**
   * Runs the job with another job's endpoint to the same target appearing before the step, or
   * while its first create is under way (the old rule, "new since the step began and made from
   * the same request", took that one for the step's).
   */
  async function jobBeside(target: string, when: 'before' | 'during') {
    let other = when === 'before' ? othersEndpoint(target).id : undefined;
    const inputs = endpointStep(target, { 'if-exists': 'create' });
    const main = await runStep(inputs, {
      onSpawn: () => {
        if (when === 'during') {
          void until(received('POST')).then(() => {
            other = othersEndpoint(target).id;
          });
        }
      },
    });
    const post = await runStep(inputs, { state: main.state });
    return { main, post, other };
  }

  test.each(['before', 'during'] as const)('made %s the step, after a lost answer', async (when) => {
    const target = freshTarget();
    emulator().addFault({ method: 'POST', fault: { kind: 'drop-after-commit' } });
    const { main, post, other } = await jobBeside(target, when);
    expect(main.exitCode).toBe(0);
    expect(posts()).toHaveLength(1);
    expect(main.outputs.id).not.toBe(other);
    expect(post.exitCode).toBe(0);
    expect(ids(target).sort()).toEqual([other, main.outputs.id].sort());
  });

  test.each(['before', 'during'] as const)('made %s the step, after a 503 that made nothing', async (when) => {
    const target = freshTarget();
    emulator().addFault({ method: 'POST', fault: { kind: 'status', status: 503 } });
    const { main, post, other } = await jobBeside(target, when);
    expect(main.exitCode).toBe(0);
    expect(posts()).toHaveLength(2);
    expect(main.outputs.id).not.toBe(other);
    expect(post.exitCode).toBe(0);
    expect(ids(target).sort()).toEqual([other, main.outputs.id].sort());
  });

  test("made during the step: the step's late copy goes in the post step, the other job's endpoint stays", async () => {
    const target = freshTarget();
    // The first try commits 3 s after it was sent, long after the step gave up on it (1 s) and made another.
    emulator().addFault({ method: 'POST', fault: { kind: 'delay', ms: 3000 } });
    const inputs = endpointStep(target, { 'if-exists': 'create', 'request-timeout': '1s' });
    let other: string | undefined;
    const main = await runStep(inputs, {
      onSpawn: () => {
        void until(received('POST')).then(() => {
          other = othersEndpoint(target).id;
        });
      },
    });
    expect(main.exitCode).toBe(0);
    expect(other).toBeDefined();
    await until(() => endpointsTo(target).length === 3);
    const post = await runStep(inputs, { state: main.state });
    expect(post.exitCode).toBe(0);
    expect(post.stdout).toContain("Deleted late copies of this step's endpoint");
    expect(ids(target).sort()).toEqual([other, main.outputs.id].sort());
  });
});

describe('if-exists', () => {
  test('reuse (the default): an endpoint to the same target is the result, created false, and the post step touches nothing', async () => {
    const target = freshTarget();
    const other = othersEndpoint(target);
    const inputs = endpointStep(target, { description: 'a different description' });
    const main = await runStep(inputs);
    expect(main.exitCode).toBe(0);
    expect(main.outputs).toMatchObject({ id: other.id, created: 'false', description: 'orders' });
    expect(posts()).toEqual([]);
    expect(main.state.intent).toBeUndefined();
    emulator().clearRequests();
    const post = await runStep(inputs, { state: main.state });
    expect(post.exitCode).toBe(0);
    expect(apiRequests(emulator())).toEqual([]);
    expect(ids(target)).toEqual([other.id]);
  });

  test('reuse never takes an endpoint in Failed: a new one is created', async () => {
    const target = freshTarget();
    const failed = othersEndpoint(target);
    emulator().setReversePrivateEndpointStatus(failed.id ?? '', 'Failed');
    const main = await runStep(endpointStep(target));
    expect(main.exitCode).toBe(0);
    expect(main.outputs.created).toBe('true');
    expect(main.outputs.id).not.toBe(failed.id);
    expect(ids(target)).toHaveLength(2);
  });

  test('create: a new endpoint although one to the same target exists', async () => {
    const target = freshTarget();
    const other = othersEndpoint(target);
    const main = await runStep(endpointStep(target, { 'if-exists': 'create' }));
    expect(main.exitCode).toBe(0);
    expect(main.outputs.created).toBe('true');
    expect(posts()).toHaveLength(1);
    expect(ids(target).sort()).toEqual([other.id, main.outputs.id].sort());
  });
});

describe('wait-until', () => {
  test('PendingAcceptance, Ready: the wait ends at PendingAcceptance', async () => {
    emulator().settleNextReversePrivateEndpoint('PendingAcceptance');
    const step = await runStep(endpointStep(freshTarget(), { 'wait-for-ready': 'true', 'wait-until': 'PendingAcceptance, Ready' }));
    expect(step.exitCode).toBe(0);
    expect(step.outputs.status).toBe('PendingAcceptance');
    expect(JSON.parse(step.outputs.result ?? '{}')).toMatchObject({ status: 'PendingAcceptance' });
  });

  test('by default only Ready ends it: PendingAcceptance is waited on until wait-timeout', async () => {
    emulator().settleNextReversePrivateEndpoint('PendingAcceptance');
    const step = await runStep(endpointStep(freshTarget(), { 'wait-for-ready': 'true', 'wait-timeout': '2s' }));
    expect(step.exitCode).toBe(1);
    expect(errorLines(step.stdout)).toEqual([
      expect.stringMatching(/^::error::The reverse private endpoint was not Ready after 2\.\d s .*last status PendingAcceptance\.$/),
    ]);
  });
});

describe('delete-reverse-private-endpoint', () => {
  const deleteStep = (id: string) =>
    stepInputs(emulator(), { operation: 'delete-reverse-private-endpoint', service: emulator().serviceId, 'reverse-private-endpoint': id });

  test('deletes the endpoint; deleting it again succeeds with a warning', async () => {
    const target = freshTarget();
    const id = othersEndpoint(target).id ?? '';
    const { main, post } = await runJob(deleteStep(id));
    expect(main.exitCode).toBe(0);
    expect(apiRequests(emulator()).map((r) => `${r.method} ${r.path}`)).toEqual([
      `DELETE /v1/organizations/${emulator().organizationId}/services/${emulator().serviceId}/clickpipesReversePrivateEndpoints/${id}`,
    ]);
    expect(main.outputs).toMatchObject({ 'http-status': '200', result: '' });
    expect(post.exitCode).toBe(0);
    expect(ids(target)).toEqual([]);

    const again = await runStep(deleteStep(id));
    expect(again.exitCode).toBe(0);
    expect(again.stdout).toContain(`::warning::Reverse private endpoint ${id} of service ${emulator().serviceId} was already gone`);
    expect(again.outputs).toMatchObject({ 'http-status': '404', result: '' });
  });

  test.each([
    [
      'not a UUID',
      'vpce-0123456789abcdef0',
      /^::error::Input 'reverse-private-endpoint' is "vpce-0123456789abcdef0", not a UUID\. Accepted: a UUID/,
    ],
    ['empty', '', /^::error::Input 'reverse-private-endpoint' is required but empty\. Accepted: the endpoint's UUID/],
  ])('%s: fails naming the input, with no request', async (_what, id, message) => {
    const step = await runStep(deleteStep(id));
    expect(step.exitCode).toBe(1);
    expect(errorLines(step.stdout)).toEqual([expect.stringMatching(message)]);
    expect(apiRequests(emulator())).toEqual([]);
  });
});
