/** The document's paths, built in one place. IDs are validated UUIDs by the time they get here. */
export const keysPath = (organizationId: string): string => `/v1/organizations/${organizationId}/keys`;
export const keyPath = (organizationId: string, keyUuid: string): string => `${keysPath(organizationId)}/${encodeURIComponent(keyUuid)}`;
