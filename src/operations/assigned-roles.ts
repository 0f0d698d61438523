import type { ApiClient } from '../api/client.js';
import { rolesPath } from '../api/paths.js';
import type { Role } from '../api/types.js';
import { InputError, quote } from '../inputs/errors.js';
import { isUuid } from '../uuid.js';

/**
 * `assigned-roles` as role UUIDs: UUIDs pass as given; names are looked up in the organization's
 * roles (an exact name first, else a unique case-insensitive match). A name that matches no role
 * or several is an input error listing the organization's role names, before any key is created.
 */
export async function resolveAssignedRoles(client: ApiClient, organizationId: string, given: string[]): Promise<string[]> {
  if (given.every((item) => isUuid(item))) return given;
  const roles = (await client.list<Role>(rolesPath(organizationId))).result;
  return given.map((item) => (isUuid(item) ? item : roleId(item, roles)));
}

function roleId(name: string, roles: Role[]): string {
  const exact = roles.filter((role) => role.name === name);
  const matches = exact.length > 0 ? exact : roles.filter((role) => role.name?.toLowerCase() === name.toLowerCase());
  if (matches.length === 1 && matches[0]?.id) return matches[0].id;
  const names = roles.map((role) => quote(role.name ?? '')).join(', ');
  throw new InputError(
    'assigned-roles',
    `names ${quote(name)}, which matches ${matches.length === 0 ? 'no role' : `${matches.length} roles`} of this organization`,
    `role UUIDs, or names of the organization's roles: ${names}`,
  );
}
