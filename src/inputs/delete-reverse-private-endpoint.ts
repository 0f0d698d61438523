import { type CommonSettings, readService } from './common.js';
import { parseUuid, requireInput } from './read.js';

export interface DeleteReversePrivateEndpointSettings {
  operation: 'delete-reverse-private-endpoint';
  common: CommonSettings;
  serviceId: string;
  endpointId: string;
}

export function readDeleteReversePrivateEndpoint(common: CommonSettings): DeleteReversePrivateEndpointSettings {
  const id = requireInput('reverse-private-endpoint', "the endpoint's UUID, the `id` output of the create-reverse-private-endpoint step");
  return {
    operation: 'delete-reverse-private-endpoint',
    common,
    serviceId: readService(),
    endpointId: parseUuid('reverse-private-endpoint', id),
  };
}
