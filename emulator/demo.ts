/**
 * `npm run demo`: every operation of the bundled action against the built-in emulator, run the
 * way the GitHub runner runs it (main step, then post step). No credentials needed. Secrets in
 * the outputs are shown as *** (as the runner's log masking would).
 */
import { startIpLookup } from './ip-lookup.js';
import { printStep } from './present.js';
import { runStep, type StepRun } from './runner.js';
import { type Emulator, startEmulator } from './server.js';

interface Scenario {
  title: string;
  /** The step's own inputs; `previous` is the scenario before it (for "a later job" steps). */
  inputs: (emulator: Emulator, previous?: StepRun) => Record<string, string>;
  expectFailure?: boolean;
  /** What a later step of the job does with the main step's outputs, before the post step runs. */
  use?: (main: StepRun) => Promise<void>;
}

const HOUR = 3_600_000;
/** The tag create-service puts on every service it makes: the one proof delete-service and prune-services accept. */
const MANAGED = { key: 'managed-by', value: 'clickhouse-cloud-action' };
/** One reverse endpoint, made and then made again (reused) by the scenarios below. */
const ordersEndpoint = (emulator: Emulator) => ({
  operation: 'create-reverse-private-endpoint',
  service: emulator.serviceId,
  description: 'orders database',
  type: 'VPC_ENDPOINT_SERVICE',
  'vpc-endpoint-service-name': 'com.amazonaws.vpce.us-east-1.vpce-svc-0123456789abcdef0',
});

const scenarios: Scenario[] = [
  {
    title: 'create-key: an ephemeral key for this job, revoked by the post step',
    inputs: () => ({ operation: 'create-key', roles: 'developer', 'expire-at': '2h', 'ip-access-list': '127.0.0.1 runner' }),
  },
  {
    title: 'create-key with an assigned role by name (organizations on custom roles): looked up, sent as its UUID',
    inputs: () => ({ operation: 'create-key', 'assigned-roles': 'CI deployer', 'expire-at': '1h' }),
  },
  {
    title: 'create-key with local-secret: the secret is made on the runner and never crosses the network',
    inputs: () => ({ operation: 'create-key', 'local-secret': 'true', body: 'state: enabled\nroles: [query_endpoints]' }),
  },
  {
    title: 'create-key in one job, kept past its end (revoke-on-exit: false)',
    inputs: () => ({ operation: 'create-key', name: 'nightly-loader', 'revoke-on-exit': 'false', 'expire-at': '7d' }),
  },
  {
    title: 'delete-key in a later job: revokes the key made above',
    inputs: (_emulator, previous) => ({ operation: 'delete-key', key: previous?.outputs.id ?? '' }),
  },
  {
    title: 'prune-keys: sweeps keys left by crashed runs (three seeded beside the admin key: two stale, one fresh)',
    inputs: (emulator) => {
      const seed = (name: string, age: number, expireAt: string | null) =>
        emulator.seedKey({ name, createdAt: new Date(Date.now() - age).toISOString(), expireAt });
      seed('gha-crashed-run-1', 30 * HOUR, null);
      seed('gha-crashed-run-2', 2 * HOUR, new Date(Date.now() - HOUR).toISOString());
      seed('gha-running-job', HOUR, new Date(Date.now() + 5 * HOUR).toISOString());
      return { operation: 'prune-keys' };
    },
  },
  {
    title: 'create-private-endpoint: registers a cloud endpoint with the service',
    inputs: (emulator) => ({
      operation: 'create-private-endpoint',
      service: emulator.serviceId,
      'endpoint-id': 'vpce-0a1b2c3d4e5f60718',
      description: 'app VPC',
    }),
  },
  {
    title: 'create-reverse-private-endpoint (VPC_ENDPOINT_SERVICE) with wait-for-ready',
    inputs: (emulator) => ({ ...ordersEndpoint(emulator), 'wait-for-ready': 'true' }),
  },
  {
    title: 'create-reverse-private-endpoint re-run (if-exists: reuse): the endpoint above is the result, created false, nothing made',
    inputs: ordersEndpoint,
  },
  {
    title: 'delete-reverse-private-endpoint in a later job: removes the endpoint made above',
    inputs: (emulator, previous) => ({
      operation: 'delete-reverse-private-endpoint',
      service: emulator.serviceId,
      'reverse-private-endpoint': previous?.outputs.id ?? '',
    }),
  },
  {
    title: 'create-reverse-private-endpoint (MSK_MULTI_VPC) from a body, without waiting',
    inputs: (emulator) => ({
      operation: 'create-reverse-private-endpoint',
      service: emulator.serviceId,
      body: 'description: orders kafka\ntype: MSK_MULTI_VPC\nmskClusterArn: arn:aws:kafka:us-east-1:123456789012:cluster/orders/5a7e3c1d-1111-2222-3333-444455556666-2\nmskAuthentication: SASL_IAM',
    }),
  },
  {
    title: 'create-reverse-private-endpoint (GCP_PSC_SERVICE_ATTACHMENT) with custom private DNS names, waiting for Ready',
    inputs: (emulator) => ({
      operation: 'create-reverse-private-endpoint',
      service: emulator.serviceId,
      description: 'events on GCP',
      type: 'GCP_PSC_SERVICE_ATTACHMENT',
      'gcp-service-attachment': 'projects/acme-data/regions/us-central1/serviceAttachments/kafka-psc',
      'custom-private-dns-mappings': 'kafka.acme.internal, *.brokers.acme.internal',
      'wait-for-ready': 'true',
    }),
  },
  {
    title: 'start-service: the service was stopped; it is started, polled until running, and its host set',
    inputs: (emulator) => {
      emulator.setServiceState('stopped');
      return { operation: 'start-service', service: emulator.serviceId };
    },
  },
  {
    title: "allow-runner-ip: the runner's address (looked up) is added for the job, and removed by the post step",
    inputs: (emulator) => {
      emulator.setServiceIpAccessList([{ source: '52.94.0.0/22', description: 'office' }]);
      return { operation: 'allow-runner-ip', service: emulator.serviceId, 'ip-lookup-urls': lookup.url };
    },
  },
  {
    title: 'create-service: a throwaway service for this job, waited for until /ping answers, then stopped and deleted by the post step',
    inputs: () => ({ operation: 'create-service', provider: 'aws', region: 'us-east-1', 'ip-lookup-urls': lookup.url, tags: 'team=data' }),
    use: async (main) => {
      const answer = await fetch(`http://${main.outputs.host}:${main.outputs.port}/ping`);
      console.log(
        `   a later step: GET /ping on ${main.outputs.host}:${main.outputs.port} answers ${answer.status} ${JSON.stringify(await answer.text())}`,
      );
    },
  },
  {
    title: 'delete-service in a later job: a service kept past its job (delete-on-exit: false) is stopped and deleted',
    inputs: (emulator) => ({
      operation: 'delete-service',
      service: emulator.seedService({ name: 'gha-kept-for-review', tags: [MANAGED], state: 'running' }),
    }),
  },
  {
    title:
      "prune-services: sweeps services killed runners left (two tagged: one stale, one fresh; a colleague's untagged one is never considered)",
    inputs: (emulator) => {
      emulator.seedService({ name: 'gha-killed-run', tags: [MANAGED], createdAt: new Date(Date.now() - 30 * HOUR).toISOString() });
      emulator.seedService({ name: 'gha-running-job', tags: [MANAGED], createdAt: new Date(Date.now() - HOUR).toISOString() });
      emulator.seedService({ name: 'gha-colleague', createdAt: new Date(Date.now() - 30 * HOUR).toISOString() });
      return { operation: 'prune-services' };
    },
  },
  {
    title: 'create-reverse-private-endpoint with a field of another type: fails before any request',
    inputs: (emulator) => ({
      operation: 'create-reverse-private-endpoint',
      service: emulator.serviceId,
      description: 'mixed up',
      type: 'VPC_RESOURCE',
      'vpc-resource-configuration-id': 'rcfg-0123456789abcdef0',
      'vpc-resource-share-arn': 'arn:aws:ram:us-east-1:123456789012:resource-share/73da1ab9-b94a-4ba3-8eb4-45917f7f4b12',
      'msk-authentication': 'SASL_IAM',
    }),
    expectFailure: true,
  },
  {
    title: 'create-key with a bad input: fails before any request',
    inputs: () => ({ operation: 'create-key', roles: 'superuser' }),
    expectFailure: true,
  },
];

const started = Date.now();
const emulator = await startEmulator({ readyAfterPolls: 1, serviceTransitionPolls: 1, servicePingFailures: 0 });
// Stands in for checkip.amazonaws.com: the runner's public address as plain text.
const lookup = await startIpLookup({ answer: '34.120.17.5\n' });
console.log(`Emulator at ${emulator.url} (organization ${emulator.organizationId}, service ${emulator.serviceId})\n`);
const common = {
  organization: emulator.organizationId,
  'api-key-id': emulator.adminKey.keyId,
  'api-key-secret': emulator.adminKey.secret,
  'api-url': emulator.url,
};
let unexpected = 0;
try {
  let previous: StepRun | undefined;
  for (const [index, scenario] of scenarios.entries()) {
    console.log(`${index + 1}. ${scenario.title}`);
    const inputs = { ...common, ...scenario.inputs(emulator, previous) };
    const main = await runStep(inputs);
    printStep('main step', main);
    await scenario.use?.(main);
    const post = await runStep(inputs, { state: main.state, env: main.exportedEnv });
    printStep('post step', post);
    if ((main.exitCode !== 0) !== Boolean(scenario.expectFailure) || post.exitCode !== 0) unexpected++;
    previous = main;
    console.log('');
  }
  const left = emulator.keys().map((key) => key.name);
  console.log(`Keys left in the emulator: ${left.join(', ')} (every key made above was revoked or pruned)`);
  const services = emulator.services().map((service) => `${service.name} (${service.state})`);
  console.log(`Services in the emulator: ${services.join(', ')} (those the action made are being deleted)`);
  console.log(`Requests the emulator served: ${emulator.requests.length}; wall time ${((Date.now() - started) / 1000).toFixed(1)} s`);
} finally {
  await emulator.close();
  await lookup.close();
}
if (unexpected > 0) {
  console.error(`${unexpected} scenario(s) did not end as expected`);
  process.exitCode = 1;
}
