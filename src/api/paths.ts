/** The document's paths, built in one place. IDs are validated UUIDs by the time they get here. */
export const organizationPath = (organizationId: string): string => `/v1/organizations/${organizationId}`;
export const keysPath = (organizationId: string): string => `${organizationPath(organizationId)}/keys`;
export const keyPath = (organizationId: string, keyUuid: string): string => `${keysPath(organizationId)}/${encodeURIComponent(keyUuid)}`;
export const servicePath = (organizationId: string, serviceId: string): string =>
  `${organizationPath(organizationId)}/services/${serviceId}`;
export const privateEndpointPath = (organizationId: string, serviceId: string): string =>
  `${servicePath(organizationId, serviceId)}/privateEndpoint`;
export const reversePrivateEndpointsPath = (organizationId: string, serviceId: string): string =>
  `${servicePath(organizationId, serviceId)}/clickpipesReversePrivateEndpoints`;
export const reversePrivateEndpointPath = (organizationId: string, serviceId: string, id: string): string =>
  `${reversePrivateEndpointsPath(organizationId, serviceId)}/${encodeURIComponent(id)}`;
export const rolesPath = (organizationId: string): string => `${organizationPath(organizationId)}/roles`;
export const serviceStatePath = (organizationId: string, serviceId: string): string => `${servicePath(organizationId, serviceId)}/state`;
export const servicesPath = (organizationId: string): string => `${organizationPath(organizationId)}/services`;
export const servicePasswordPath = (organizationId: string, serviceId: string): string =>
  `${servicePath(organizationId, serviceId)}/password`;
