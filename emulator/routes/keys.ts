import { randomUUID } from 'node:crypto';
import type { OpenApi } from '../openapi.js';
import { describeErrors } from '../openapi.js';
import {
  ALLOW_ANYWHERE,
  badRequest,
  checkIpAccessList,
  type Context,
  type IpAccessListEntry,
  type KeyRecord,
  notFound,
  randomAlphanumeric,
  type Resource,
  type Routes,
  sameId,
  type Schemas,
  sha256Base64,
} from '../shared.js';
import type { Roles } from './roles.js';

type ApiKey = Schemas['ApiKey'];
type Role = KeyRecord['roles'][number];

const MAX_KEYS_PER_ORGANIZATION = 100;
/** The document's default (and largest) page of GET /keys. */
const MAX_PAGE_SIZE = 250;

export interface SeedKey {
  name: string;
  roles?: string[];
  assignedRoleIds?: string[];
  createdAt?: string;
  expireAt?: string | null;
  state?: 'enabled' | 'disabled';
  keyId?: string;
  secret?: string;
}

export interface KeyOptions {
  /** Page size of GET /keys when the request gives no `limit` (default the document's 250). */
  pageSize?: number;
  /** Answer GET /keys as the older server did: every key, without limit, totalCount or nextCursor. */
  unpaginated?: boolean;
  /** How far the API's clock is ahead of the runner's (negative: behind), as written into `createdAt`. */
  clockOffsetMs?: number;
}

/** The hashData algorithm: base64 (padded) of a raw SHA-256 digest, so 44 characters for 32 bytes. */
function isSha256Base64(value: string): boolean {
  return /^[A-Za-z0-9+/]{43}=$/.test(value) && Buffer.from(value, 'base64').toString('base64') === value;
}

/** An opaque cursor, as a server's is: the offset of the next page, which a client must not read. */
const cursorOf = (offset: number) => Buffer.from(`keys:${offset}`).toString('base64url');
const offsetOf = (cursor: string) => /^keys:(\d+)$/.exec(Buffer.from(cursor, 'base64url').toString())?.[1];

export class Keys implements Resource {
  readonly records: KeyRecord[] = [];

  constructor(
    private readonly roles: Roles,
    private readonly options: KeyOptions,
  ) {}

  answer(record: KeyRecord): ApiKey {
    return {
      id: record.id,
      ...(record.name === undefined ? {} : { name: record.name }),
      state: record.state,
      roles: [...record.roles],
      assignedRoles: record.assignedRoleIds.flatMap((id) => this.roles.assigned(id) ?? []),
      keySuffix: record.keySuffix,
      createdAt: record.createdAt,
      expireAt: record.expireAt,
      ...(record.usedAt === undefined ? {} : { usedAt: record.usedAt }),
      ipAccessList: structuredClone(record.ipAccessList),
    };
  }

  /** The key these credentials name, if the secret matches. */
  find(keyId: string, secret: string): KeyRecord | undefined {
    const key = this.records.find((k) => k.keyIdHash === sha256Base64(keyId));
    return key && key.keySecretHash === sha256Base64(secret) ? key : undefined;
  }

  /** Whether the key may manage keys: the legacy admin role, or an assigned role that grants it. */
  isAdmin(key: KeyRecord): boolean {
    return key.roles.includes('admin') || key.assignedRoleIds.some((id) => this.roles.grantsAdmin(id));
  }

  seed(key: SeedKey, api: OpenApi): { id: string; keyId: string; secret: string } {
    if (this.records.length >= MAX_KEYS_PER_ORGANIZATION)
      throw new Error(`an organization holds at most ${MAX_KEYS_PER_ORGANIZATION} keys`);
    const keyId = key.keyId ?? randomAlphanumeric(20);
    const secret = key.secret ?? `4b1d${randomAlphanumeric(38)}`;
    const record: KeyRecord = {
      id: randomUUID(),
      name: key.name,
      state: key.state ?? 'enabled',
      roles: (key.roles ?? (key.assignedRoleIds ? [] : ['developer'])) as Role[],
      assignedRoleIds: key.assignedRoleIds ?? [],
      keySuffix: keyId.slice(-4),
      createdAt: key.createdAt ?? new Date().toISOString(),
      expireAt: key.expireAt ?? null,
      usedAt: undefined,
      ipAccessList: [ALLOW_ANYWHERE],
      keyIdHash: sha256Base64(keyId),
      keySecretHash: sha256Base64(secret),
    };
    const validate = api.component('ApiKey');
    if (!validate(this.answer(record))) throw new Error(`seedKey: ${describeErrors(validate.errors, 'key')}`);
    if (this.records.some((k) => k.keyIdHash === record.keyIdHash)) throw new Error(`seedKey: key ID ${keyId} is taken`);
    this.records.push(record);
    return { id: record.id, keyId, secret };
  }

  routes(): Routes {
    return {
      'GET /v1/organizations/{organizationId}/keys': (c) => this.list(c),
      'POST /v1/organizations/{organizationId}/keys': (c) => ({ result: this.create(c) }),
      'GET /v1/organizations/{organizationId}/keys/{keyId}': (c) => ({ result: this.answer(this.get(c.params.keyId)) }),
      'DELETE /v1/organizations/{organizationId}/keys/{keyId}': (c) => this.delete(c),
    };
  }

  private get(id: string | undefined): KeyRecord {
    const key = this.records.find((k) => sameId(k.id, id ?? ''));
    if (!key) throw notFound(`Key ${id} not found`);
    return key;
  }

  /** Oldest first, as the document says; paginated unless the older server is emulated. */
  private list({ query }: Context) {
    const all = this.records.map((record) => this.answer(record));
    if (this.options.unpaginated) return { result: all };
    const limit = query.has('limit') ? Number(query.get('limit')) : (this.options.pageSize ?? MAX_PAGE_SIZE);
    const cursor = query.get('cursor');
    const offset = cursor === null ? 0 : Number(offsetOf(cursor) ?? Number.NaN);
    if (!Number.isInteger(offset) || offset > all.length) throw badRequest(`'cursor' ${cursor} is not a cursor this server gave`);
    const next = offset + limit < all.length ? cursorOf(offset + limit) : null;
    return { result: all.slice(offset, offset + limit), envelope: { limit, totalCount: all.length, nextCursor: next } };
  }

  private create({ body, now }: Context) {
    const roles = body.roles as Role[] | undefined;
    const assignedRoleIds = body.assignedRoleIds as string[] | undefined;
    if (roles !== undefined && assignedRoleIds !== undefined)
      throw badRequest(`give either 'roles' (deprecated) or 'assignedRoleIds', not both`);
    if ((roles ?? assignedRoleIds ?? []).length === 0)
      throw badRequest(`'assignedRoleIds' (or the deprecated 'roles') must contain at least 1 element`);
    const unknown = (assignedRoleIds ?? []).filter((id) => !this.roles.assigned(id));
    if (unknown.length > 0) throw badRequest(`'assignedRoleIds' names roles this organization does not have: ${unknown.join(', ')}`);
    const expireAt = body.expireAt as string | null | undefined;
    if (typeof expireAt === 'string' && !(Date.parse(expireAt) > now)) throw badRequest(`'expireAt' must be in the future`);
    const ipAccessList = (body.ipAccessList as IpAccessListEntry[] | undefined) ?? [ALLOW_ANYWHERE];
    checkIpAccessList(ipAccessList, 'ipAccessList');
    const { credentials, hashes } = this.credentialsFor(body.hashData as Schemas['ApiKeyHashData'] | undefined);
    if (this.records.some((k) => k.keyIdHash === hashes.keyIdHash)) throw badRequest('A key with this key ID already exists');
    if (this.records.length >= MAX_KEYS_PER_ORGANIZATION) {
      throw badRequest(`An organization can hold at most ${MAX_KEYS_PER_ORGANIZATION} API keys`);
    }
    const record: KeyRecord = {
      id: randomUUID(),
      name: body.name as string | undefined,
      state: (body.state as KeyRecord['state'] | undefined) ?? 'enabled',
      // For an organization on custom roles the legacy field is frozen: a new key has none.
      roles: roles ?? [],
      assignedRoleIds: assignedRoleIds ?? [],
      createdAt: new Date(now + (this.options.clockOffsetMs ?? 0)).toISOString(),
      // Stored as an instant, as a server keeps timestamps, so it comes back in canonical form.
      expireAt: typeof expireAt === 'string' ? new Date(expireAt).toISOString() : null,
      usedAt: undefined,
      ipAccessList,
      ...hashes,
    };
    this.records.push(record);
    return { key: this.answer(record), ...credentials };
  }

  private credentialsFor(hashData: Schemas['ApiKeyHashData'] | undefined) {
    if (!hashData) {
      const credentials = { keyId: randomAlphanumeric(20), keySecret: `4b1d${randomAlphanumeric(38)}` };
      const hashes = {
        keyIdHash: sha256Base64(credentials.keyId),
        keySecretHash: sha256Base64(credentials.keySecret),
        keySuffix: credentials.keyId.slice(-4),
      };
      return { credentials, hashes };
    }
    const { keyIdHash, keyIdSuffix, keySecretHash } = hashData;
    for (const [name, value] of Object.entries({ keyIdHash, keyIdSuffix, keySecretHash })) {
      if (value === undefined) throw badRequest(`'hashData.${name}' is required`);
    }
    if ([...(keyIdSuffix as string)].length !== 4) throw badRequest(`'hashData.keyIdSuffix' must be exactly 4 characters`);
    for (const [name, value] of Object.entries({ keyIdHash, keySecretHash })) {
      if (!isSha256Base64(value as string)) throw badRequest(`'hashData.${name}' must be the padded base64 of a 32-byte SHA-256 digest`);
    }
    return {
      credentials: undefined,
      hashes: { keyIdHash: keyIdHash as string, keySecretHash: keySecretHash as string, keySuffix: keyIdSuffix as string },
    };
  }

  private delete({ params, key: authenticating }: Context) {
    const key = this.get(params.keyId);
    if (key === authenticating) throw badRequest('Only a key not used to authenticate the active request can be deleted');
    this.records.splice(this.records.indexOf(key), 1);
    return {};
  }
}
