import type { Resource, Routes, Schemas } from '../shared.js';

type Role = Schemas['RBACRole'];
type AssignedRole = Schemas['AssignedRole'];

/**
 * The organization's roles: the system roles every organization has, and one custom role, with
 * stable IDs so tests and the demo can name them. `grantsAdmin` says which let a key manage keys.
 */
const ROLES: Array<Role & { id: string; name: string; type: 'system' | 'custom'; grantsAdmin: boolean }> = [
  { id: '5e1f0a1e-0000-4000-8000-000000000001', name: 'Admin', type: 'system', grantsAdmin: true },
  { id: '5e1f0a1e-0000-4000-8000-000000000002', name: 'Developer', type: 'system', grantsAdmin: false },
  { id: '5e1f0a1e-0000-4000-8000-000000000003', name: 'Member', type: 'system', grantsAdmin: false },
  { id: 'c0570a1e-0000-4000-8000-00000000c1d0', name: 'CI deployer', type: 'custom', grantsAdmin: false },
];

export class Roles implements Resource {
  constructor(private readonly organizationId: string) {}

  list(): Role[] {
    const createdAt = '2026-01-01T00:00:00Z';
    return ROLES.map(({ grantsAdmin: _, ...role }) => ({
      ...role,
      tenantId: `organization/${this.organizationId}`,
      ownerId: `organization/${this.organizationId}`,
      actors: [],
      policies: [],
      createdAt,
      updatedAt: createdAt,
    }));
  }

  /** The role with this ID, as a key's `assignedRoles` names it; undefined for an unknown ID. */
  assigned(id: string): AssignedRole | undefined {
    const role = ROLES.find((r) => r.id === id);
    return role && { roleId: role.id, roleName: role.name, roleType: role.type };
  }

  grantsAdmin(id: string): boolean {
    return ROLES.some((r) => r.id === id && r.grantsAdmin);
  }

  routes(): Routes {
    return { 'GET /v1/organizations/{organizationId}/roles': () => ({ result: this.list() }) };
  }
}
