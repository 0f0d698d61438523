import { isUuid } from '../uuid.js';

/**
 * The document's paths, built in one place. Every ID must have the document's form (a UUID):
 * inputs are checked before any request, and an ID from an answer that is not one (`..` would
 * turn the DELETE of an endpoint into one of its service) is refused here, whoever passes it.
 */
function segment(id: string, what: string): string {
  if (!isUuid(id))
    throw new Error(
      `The ${what} ID ${JSON.stringify(id.slice(0, 40))} is not a UUID, the form the document gives it; it is not put into a path.`,
    );
  return id;
}

const organizationPath = (organizationId: string): string => `/v1/organizations/${segment(organizationId, 'organization')}`;
export const keysPath = (organizationId: string): string => `${organizationPath(organizationId)}/keys`;
export const keyPath = (organizationId: string, keyUuid: string): string => `${keysPath(organizationId)}/${segment(keyUuid, 'key')}`;
export const servicePath = (organizationId: string, serviceId: string): string =>
  `${organizationPath(organizationId)}/services/${segment(serviceId, 'service')}`;
export const privateEndpointPath = (organizationId: string, serviceId: string): string =>
  `${servicePath(organizationId, serviceId)}/privateEndpoint`;
export const reversePrivateEndpointsPath = (organizationId: string, serviceId: string): string =>
  `${servicePath(organizationId, serviceId)}/clickpipesReversePrivateEndpoints`;
export const reversePrivateEndpointPath = (organizationId: string, serviceId: string, id: string): string =>
  `${reversePrivateEndpointsPath(organizationId, serviceId)}/${segment(id, 'reverse private endpoint')}`;
export const rolesPath = (organizationId: string): string => `${organizationPath(organizationId)}/roles`;
export const serviceStatePath = (organizationId: string, serviceId: string): string => `${servicePath(organizationId, serviceId)}/state`;
export const servicesPath = (organizationId: string): string => `${organizationPath(organizationId)}/services`;
export const servicePasswordPath = (organizationId: string, serviceId: string): string =>
  `${servicePath(organizationId, serviceId)}/password`;
