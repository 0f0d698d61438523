import { requestSchemas } from '../api/request-schemas.js';
import type { PrivateEndpointPostRequest } from '../api/types.js';
import { checkBody, pick } from './body.js';
import { type CommonSettings, readService } from './common.js';
import { InputError, quote } from './errors.js';

export interface PrivateEndpointSettings {
  operation: 'create-private-endpoint';
  common: CommonSettings;
  serviceId: string;
  request: PrivateEndpointPostRequest & { id: string };
}

const ENDPOINT_ID = "the cloud provider's endpoint ID, e.g. vpce-0123456789abcdef0 (AWS), without spaces";

export function readPrivateEndpoint(common: CommonSettings, bodyInput: Record<string, unknown>): PrivateEndpointSettings {
  const serviceId = readService();
  const body = checkBody(requestSchemas.ServicPrivateEndpointePostRequest, bodyInput);
  const id = pick(
    'endpoint-id',
    body,
    'id',
    (text) => endpointId('endpoint-id', text),
    (value) => endpointId('body.id', value as string),
    () => {
      throw new InputError('endpoint-id', 'is required but empty', ENDPOINT_ID);
    },
  );
  const description = pick(
    'description',
    body,
    'description',
    (text) => text,
    (value) => value as string,
    () => undefined,
  );
  return {
    operation: 'create-private-endpoint',
    common,
    serviceId,
    request: { id, ...(description === undefined ? {} : { description }) },
  };
}

function endpointId(input: string, value: string): string {
  if (!/^\S+$/.test(value)) throw new InputError(input, `is ${quote(value)}`, ENDPOINT_ID);
  return value;
}
