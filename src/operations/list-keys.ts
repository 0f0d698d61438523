import type { ApiClient, ApiResponse } from '../api/client.js';
import { keysPath } from '../api/paths.js';
import type { ApiKey } from '../api/types.js';

/** Every key of the organization. */
export function listKeys(client: ApiClient, organizationId: string): Promise<ApiResponse<ApiKey[]>> {
  return client.list<ApiKey>(keysPath(organizationId));
}
