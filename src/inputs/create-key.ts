import type { ApiKeyPostRequest, KeyRole, KeyState } from '../api/types.js';
import { requestSchemas } from '../api/request-schemas.js';
import { checkBody, pick } from './body.js';
import type { CommonSettings } from './common.js';
import { parseExpiry } from './duration.js';
import { InputError, quote } from './errors.js';
import { pickIpAccessList } from './ip-access-list.js';
import { defaultKeyName } from './key-name.js';
import { readBoolean, readInput, splitList } from './read.js';

const schema = requestSchemas.ApiKeyPostRequest;
const ROLES = schema.properties.roles.items.enum;
const STATES = schema.properties.state.enum;

export interface CreateKeySettings {
  operation: 'create-key';
  common: CommonSettings;
  /**
   * The POST body, complete but for `hashData` (added with `localSecret`) and `assignedRoleIds`
   * (role names are looked up first).
   */
  request: ApiKeyPostRequest & { name: string };
  /** `assigned-roles`: role UUIDs or names, in the order given; undefined when none were given. */
  assignedRoles?: string[];
  /** The name was generated (carries a nonce), so a key found under it is provably this step's. */
  nameIsGenerated: boolean;
  localSecret: boolean;
  revokeOnExit: boolean;
  exportEnv: boolean;
}

export function readCreateKey(common: CommonSettings, bodyInput: Record<string, unknown>, now: number): CreateKeySettings {
  const body = checkBody(schema, bodyInput);
  if ('hashData' in body) {
    throw new InputError(
      'body',
      'sets hashData, which the action computes itself',
      'set `local-secret: true` to have the key made on the runner',
    );
  }
  const generated = defaultKeyName();
  const name = pick(
    'name',
    body,
    'name',
    (text) => text,
    (value) => nonEmptyName(value as string),
    () => generated,
  );
  const assignedRoles = pick<string[] | undefined>(
    'assigned-roles',
    body,
    'assignedRoleIds',
    (text) => parseAssignedRoles('assigned-roles', splitList(text)),
    (value) => parseAssignedRoles('body.assignedRoleIds', value as string[]),
    () => undefined,
  );
  // The deprecated `roles` keeps its default only for a key without assigned roles.
  const roles = pick<KeyRole[] | undefined>(
    'roles',
    body,
    'roles',
    (text) => parseRoles('roles', splitList(text)),
    (value) => parseRoles('body.roles', value as string[]),
    () => (assignedRoles ? undefined : ['developer']),
  );
  if (roles && assignedRoles) {
    const [rolesSource, assignedSource] = [
      readInput('roles') ? 'roles' : 'body.roles',
      readInput('assigned-roles') ? 'assigned-roles' : 'body.assignedRoleIds',
    ];
    throw new InputError(
      assignedSource,
      `is given together with ${rolesSource}`,
      `either assigned-roles (role UUIDs or names, for organizations on custom roles) or the deprecated roles (${ROLES.join(', ')}), not both`,
    );
  }
  const expireAt = pick(
    'expire-at',
    body,
    'expireAt',
    (text) => parseExpiry('expire-at', text, now),
    (value) => (value === null ? null : parseExpiry('body.expireAt', value as string, now)),
    () => parseExpiry('expire-at', '6h', now),
  );
  const state = pick(
    'state',
    body,
    'state',
    parseState,
    (value) => value as KeyState,
    (): KeyState => 'enabled',
  );
  const ipAccessList = pickIpAccessList(body);

  const revokeOnExit = readBoolean('revoke-on-exit', true);
  const exportEnv = readBoolean('export-env', false);
  if (exportEnv && revokeOnExit && common.credentials.fromEnv) {
    throw new InputError(
      'export-env',
      'is true while this step authenticates with CLICKHOUSE_CLOUD_API_KEY/SECRET and revoke-on-exit is true: the post step would find the new key there and a key cannot delete itself',
      'pass api-key-id and api-key-secret as inputs, or set revoke-on-exit: false, or export-env: false',
    );
  }
  return {
    operation: 'create-key',
    common,
    request: { name, ...(roles ? { roles } : {}), expireAt, state, ...(ipAccessList ? { ipAccessList } : {}) },
    ...(assignedRoles ? { assignedRoles } : {}),
    nameIsGenerated: name === generated,
    localSecret: readBoolean('local-secret', false),
    revokeOnExit,
    exportEnv,
  };
}

function nonEmptyName(name: string): string {
  if (name.trim() === '') throw new InputError('body.name', 'is empty', 'a non-empty key name, or no name to get a generated one');
  return name;
}

function parseRoles(input: string, roles: string[]): KeyRole[] {
  const accepted = `a list of ${ROLES.join(', ')} (one per line or comma-separated)`;
  if (roles.length === 0) throw new InputError(input, 'is a list with no role', accepted);
  const unknown = roles.filter((role) => !(ROLES as readonly string[]).includes(role));
  if (unknown.length > 0) throw new InputError(input, `names unknown role(s) ${unknown.map((r) => quote(r)).join(', ')}`, accepted);
  return [...new Set(roles)] as KeyRole[];
}

function parseAssignedRoles(input: string, roles: string[]): string[] {
  if (roles.length === 0)
    throw new InputError(input, 'is a list with no role', 'role UUIDs or role names, one per line or comma-separated');
  return [...new Set(roles)];
}

function parseState(text: string): KeyState {
  const state = (STATES as readonly string[]).find((s) => s === text.toLowerCase());
  if (!state) throw new InputError('state', `is ${quote(text)}`, STATES.join(' or '));
  return state as KeyState;
}
