import { afterEach, describe, expect, test } from '@jest/globals';
import { readSettings } from '../src/inputs/index.js';
import type { PrivateEndpointSettings } from '../src/inputs/private-endpoint.js';
import type { ReversePrivateEndpointSettings } from '../src/inputs/reverse-private-endpoint.js';
import { BASE_INPUTS, setInputs } from './helpers/inputs.js';

const SERVICE = '6b1f8a6e-2c4d-4e5f-8a9b-0c1d2e3f4a5b';
const VPCE_SERVICE = 'com.amazonaws.vpce.us-east-1.vpce-svc-0123456789abcdef0';
const SHARE_ARN = 'arn:aws:ram:us-east-1:123456789012:resource-share/73da1ab9-b94a-4ba3-8eb4-45917f7f4b12';
const MSK_ARN = 'arn:aws:kafka:eu-west-1:123456789012:cluster/orders/5a7e3c1d-1111-2222-3333-444455556666-2';

let restore = (): void => undefined;
afterEach(() => restore());

async function read(inputs: Record<string, string>) {
  restore = setInputs({ ...BASE_INPUTS, service: SERVICE, ...inputs });
  return readSettings();
}
const rpe = async (inputs: Record<string, string>) =>
  (await read({ operation: 'create-reverse-private-endpoint', description: 'orders kafka', ...inputs })) as ReversePrivateEndpointSettings;
async function rpeError(inputs: Record<string, string>): Promise<string> {
  try {
    await rpe(inputs);
  } catch (error) {
    return (error as Error).message;
  }
  throw new Error('expected an input error');
}

describe('create-reverse-private-endpoint inputs', () => {
  test.each([
    [{ type: 'VPC_ENDPOINT_SERVICE', 'vpc-endpoint-service-name': VPCE_SERVICE }, { vpcEndpointServiceName: VPCE_SERVICE }],
    [
      { type: 'VPC_RESOURCE', 'vpc-resource-configuration-id': 'rcfg-0123456789abcdef0', 'vpc-resource-share-arn': SHARE_ARN },
      { vpcResourceConfigurationId: 'rcfg-0123456789abcdef0', vpcResourceShareArn: SHARE_ARN },
    ],
    [
      { type: 'MSK_MULTI_VPC', 'msk-cluster-arn': MSK_ARN, 'msk-authentication': 'SASL_SCRAM' },
      { mskClusterArn: MSK_ARN, mskAuthentication: 'SASL_SCRAM' },
    ],
  ])('%j sends only its own fields', async (inputs, fields) => {
    const settings = await rpe(inputs);
    expect(settings.request).toEqual({ description: `orders kafka [${settings.mark}]`, type: inputs.type, ...fields });
    expect(settings).toMatchObject({
      serviceId: SERVICE,
      ifExists: 'reuse',
      waitForReady: false,
      waitUntil: ['Ready'],
      waitTimeoutMs: 900_000,
    });
    expect(settings.mark).toMatch(/^gha \S+ run \d+-\d+ [a-z0-9]{8}$/);
  });

  test.each([
    [
      'vpc-endpoint-service-name',
      { type: 'VPC_ENDPOINT_SERVICE', 'vpc-endpoint-service-name': 'com.amazonaws.vpce.il-central-1.vpce-svc-abc123' },
    ],
    [
      'gcp-service-attachment',
      { type: 'GCP_PSC_SERVICE_ATTACHMENT', 'gcp-service-attachment': 'projects/p/regions/r/serviceAttachments/s' },
    ],
  ])("%s: the document's shape is enough; the cloud judges the names inside it", async (_input, inputs) => {
    await expect(rpe(inputs)).resolves.toBeDefined();
  });

  test('the body can carry the fields, the inputs override them', async () => {
    const settings = await rpe({
      description: '',
      body: JSON.stringify({
        description: 'from body',
        type: 'MSK_MULTI_VPC',
        mskClusterArn: MSK_ARN,
        mskAuthentication: 'SASL_IAM',
        vpcEndpointServiceName: null,
      }),
      'msk-authentication': 'SASL_SCRAM',
    });
    expect(settings.request).toEqual({
      description: `from body [${settings.mark}]`,
      type: 'MSK_MULTI_VPC',
      mskClusterArn: MSK_ARN,
      mskAuthentication: 'SASL_SCRAM',
    });
  });

  test.each([
    [
      { type: 'VPC_ENDPOINT_SERVICE' },
      /^Input 'vpc-endpoint-service-name' is required for type VPC_ENDPOINT_SERVICE but empty\. Accepted: com\.amazonaws\.vpce\.<region>/,
    ],
    [
      { type: 'VPC_RESOURCE', 'vpc-resource-configuration-id': 'rcfg-0123456789abcdef0' },
      /^Input 'vpc-resource-share-arn' is required for type VPC_RESOURCE/,
    ],
    [
      { type: 'MSK_MULTI_VPC', 'msk-cluster-arn': MSK_ARN },
      /^Input 'msk-authentication' is required for type MSK_MULTI_VPC but empty\. Accepted: SASL_IAM or SASL_SCRAM/,
    ],
    [
      { type: 'VPC_ENDPOINT_SERVICE', 'vpc-endpoint-service-name': VPCE_SERVICE, 'msk-cluster-arn': MSK_ARN },
      /^Input 'msk-cluster-arn' belongs to type MSK_MULTI_VPC, not VPC_ENDPOINT_SERVICE\. Accepted: for VPC_ENDPOINT_SERVICE only vpc-endpoint-service-name/,
    ],
    [
      { type: 'MSK_MULTI_VPC', 'msk-cluster-arn': MSK_ARN, 'msk-authentication': 'SASL_IAM', body: `vpcResourceShareArn: "${SHARE_ARN}"` },
      /^Input 'body\.vpcResourceShareArn' belongs to type VPC_RESOURCE, not MSK_MULTI_VPC/,
    ],
    [
      { type: 'VPC_ENDPOINT_SERVICE', 'vpc-endpoint-service-name': 'vpce-svc-0123456789abcdef0' },
      /^Input 'vpc-endpoint-service-name' is "vpce-svc-0123456789abcdef0", not of the expected form\. Accepted: com\.amazonaws\.vpce\.<region>\.vpce-svc-/,
    ],
    [
      { type: 'VPC_RESOURCE', 'vpc-resource-configuration-id': 'rcfg-0123456789abcdef0', 'vpc-resource-share-arn': 'share-123' },
      /^Input 'vpc-resource-share-arn' is "share-123", not of the expected form\. Accepted: arn:aws:ram:<region>:<12-digit account>:resource-share\/<id>/,
    ],
    [
      { type: 'MSK_MULTI_VPC', 'msk-cluster-arn': 'arn:aws:kafka:us-east-1:12345:cluster/x', 'msk-authentication': 'SASL_IAM' },
      /^Input 'msk-cluster-arn' .* not of the expected form\. Accepted: arn:aws:kafka:<region>:<12-digit account>:cluster/,
    ],
    [
      { type: 'MSK_MULTI_VPC', 'msk-cluster-arn': MSK_ARN, 'msk-authentication': 'PLAIN' },
      /^Input 'msk-authentication' is "PLAIN", not of the expected form\. Accepted: SASL_IAM or SASL_SCRAM/,
    ],
    [{ type: 'PRIVATE_LINK' }, /^Input 'type' is "PRIVATE_LINK"\. Accepted: VPC_ENDPOINT_SERVICE, VPC_RESOURCE, MSK_MULTI_VPC/],
    [{ type: '' }, /^Input 'type' is required but empty/],
    [
      { description: '', type: 'VPC_ENDPOINT_SERVICE', 'vpc-endpoint-service-name': VPCE_SERVICE },
      /^Input 'description' is required but empty\. Accepted: a description of at most \d+ characters \(the API takes 255, and the step appends its mark " \[gha /,
    ],
    [
      { description: 'x'.repeat(230), type: 'VPC_ENDPOINT_SERVICE', 'vpc-endpoint-service-name': VPCE_SERVICE },
      /^Input 'description' has 230 characters, \d+ with the step's mark\. Accepted: a description of at most \d+ characters/,
    ],
    [
      { type: 'VPC_ENDPOINT_SERVICE', 'vpc-endpoint-service-name': VPCE_SERVICE, 'if-exists': 'fail' },
      /^Input 'if-exists' is "fail"\. Accepted: reuse or create\.$/,
    ],
    [
      { type: 'VPC_ENDPOINT_SERVICE', 'vpc-endpoint-service-name': VPCE_SERVICE, 'wait-until': 'Ready, Failed' },
      /^Input 'wait-until' has "Failed"\. Accepted: statuses from Ready, PendingAcceptance, .* \(Failed, Rejected, Expired always end the wait as a failure\)\.$/,
    ],
    [
      { type: 'VPC_ENDPOINT_SERVICE', 'vpc-endpoint-service-name': VPCE_SERVICE, 'wait-timeout': 'soon' },
      /^Input 'wait-timeout' is "soon", not a positive duration/,
    ],
    [
      { type: 'VPC_ENDPOINT_SERVICE', 'vpc-endpoint-service-name': VPCE_SERVICE, service: 'svc-1' },
      /^Input 'service' is "svc-1", not a UUID/,
    ],
    [
      { type: 'VPC_ENDPOINT_SERVICE', 'vpc-endpoint-service-name': VPCE_SERVICE, body: '{"dnsNames": []}' },
      /^Input 'body' does not fit the API: body\.dnsNames is not a field of this request/,
    ],
  ])('%j', async (inputs, message) => expect(await rpeError(inputs)).toMatch(message));

  test('a description that fits 255 characters with the mark is fine, one more character is not', async () => {
    const inputs = { type: 'VPC_ENDPOINT_SERVICE', 'vpc-endpoint-service-name': VPCE_SERVICE };
    const room = 255 - ` [${(await rpe({ ...inputs })).mark}]`.length;
    const settings = await rpe({ ...inputs, description: 'x'.repeat(room) });
    expect(settings.request.description).toHaveLength(255);
    expect(await rpeError({ ...inputs, description: 'x'.repeat(room + 1) })).toMatch(/^Input 'description' has /);
  });

  test('wait-until reads a list of statuses in any case', async () => {
    const settings = await rpe({
      type: 'VPC_ENDPOINT_SERVICE',
      'vpc-endpoint-service-name': VPCE_SERVICE,
      'wait-until': 'pendingacceptance, Ready',
    });
    expect(settings.waitUntil).toEqual(['PendingAcceptance', 'Ready']);
  });
});

describe('create-private-endpoint inputs', () => {
  test('endpoint-id is the body field id', async () => {
    const settings = (await read({
      operation: 'create-private-endpoint',
      'endpoint-id': 'vpce-0a1b2c3d4e5f60718',
      description: 'app vpc',
    })) as PrivateEndpointSettings;
    expect(settings.request).toEqual({ id: 'vpce-0a1b2c3d4e5f60718', description: 'app vpc' });
  });

  test.each([
    [{ 'endpoint-id': '' }, /^Input 'endpoint-id' is required but empty/],
    [{ 'endpoint-id': 'vpce 123' }, /^Input 'endpoint-id' is "vpce 123"\. Accepted: the cloud provider's endpoint ID/],
    [{ 'endpoint-id': 'vpce-1', service: '' }, /^Input 'service' is required but empty/],
  ])('%j', async (inputs, message) => {
    await expect(read({ operation: 'create-private-endpoint', ...inputs })).rejects.toThrow(message);
  });
});
