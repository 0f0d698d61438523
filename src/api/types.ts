/** Names for the document's schemas (generated into schema.d.ts by `npm run generate:api`). */
import type { components } from './schema.js';

type Schemas = components['schemas'];
export type ApiKey = Schemas['ApiKey'];
export type ApiKeyPostRequest = Schemas['ApiKeyPostRequest'];
export type ApiKeyPostResponse = Schemas['ApiKeyPostResponse'];
export type ApiKeyHashData = Schemas['ApiKeyHashData'];
export type IpAccessListEntry = Schemas['IpAccessListEntry'];
export type PrivateEndpointPostRequest = Schemas['ServicPrivateEndpointePostRequest'];
export type InstancePrivateEndpoint = Schemas['InstancePrivateEndpoint'];
export type CreateReversePrivateEndpoint = Schemas['CreateReversePrivateEndpoint'];
export type ReversePrivateEndpoint = Schemas['ReversePrivateEndpoint'];
export type ReversePrivateEndpointType = NonNullable<CreateReversePrivateEndpoint['type']>;
export type ReversePrivateEndpointStatus = NonNullable<ReversePrivateEndpoint['status']>;
export type KeyRole = NonNullable<ApiKeyPostRequest['roles']>[number];
export type KeyState = NonNullable<ApiKeyPostRequest['state']>;
export type Service = Schemas['Service'];
export type Role = Schemas['RBACRole'];
export type AssignedRole = Schemas['AssignedRole'];
export type ServicePostRequest = Schemas['ServicePostRequest'];
export type ServicePostResponse = Schemas['ServicePostResponse'];
export type ServicePasswordPatchResponse = Schemas['ServicePasswordPatchResponse'];
export type ResourceTag = Schemas['ResourceTagsV1'];
