/** What every resource of the emulator shares: errors as the API sends them, handlers, and value checks. */
import { createHash, randomBytes, randomInt, randomUUID } from 'node:crypto';
import { STATUS_CODES } from 'node:http';
import ipaddr from 'ipaddr.js';
import type { components } from '../src/api/schema.js';
import type { OpenApi } from './openapi.js';

export type Schemas = components['schemas'];
export type IpAccessListEntry = Schemas['IpAccessListEntry'];

export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly body: unknown,
    readonly headers: Record<string, string> = {},
  ) {
    super(JSON.stringify(body));
  }
}

export const codeOf = (status: number) => (STATUS_CODES[status] ?? 'ERROR').toUpperCase().replace(/\W+/g, '_');
// The document's 400 body carries the request's ID; every error the emulator makes does, so a client can quote it.
export const apiError = (status: number, message: string) =>
  new ApiError(status, { status, error: `${codeOf(status)}: ${message}`, requestId: randomUUID() });
export const badRequest = (message: string) => apiError(400, message);
export const notFound = (message: string) => apiError(404, message);

/** A key as the emulator stores it: enough to authenticate and to answer as the API does. */
export interface KeyRecord {
  id: string;
  name: string | undefined;
  state: 'enabled' | 'disabled';
  roles: Array<NonNullable<Schemas['ApiKey']['roles']>[number]>;
  assignedRoleIds: string[];
  keySuffix: string;
  createdAt: string;
  expireAt: string | null;
  usedAt: string | undefined;
  ipAccessList: IpAccessListEntry[];
  // Every key is stored the way hashData keys must be, so one comparison authenticates all.
  keyIdHash: string;
  keySecretHash: string;
}

export interface Context {
  params: Record<string, string>;
  query: URLSearchParams;
  body: Record<string, unknown>;
  key: KeyRecord;
  now: number;
}

/** A route's work: its `result`, and for a paginated list the envelope's extra fields. */
export type Handler = (context: Context) => { result?: unknown; envelope?: Record<string, unknown> };

/** One resource's routes, keyed `METHOD /template` as in the document. */
export type Routes = Record<string, Handler>;

export interface Resource {
  routes(api: OpenApi): Routes;
}

export const PROVIDER = 'aws';
export const REGION = 'us-east-1';
export const ALLOW_ANYWHERE: IpAccessListEntry = { source: '0.0.0.0/0', description: 'Anywhere' };
const ALPHANUMERIC = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';

export const sha256Base64 = (value: string) => createHash('sha256').update(value, 'utf8').digest('base64');
export const randomAlphanumeric = (length: number) => Array.from({ length }, () => ALPHANUMERIC[randomInt(ALPHANUMERIC.length)]).join('');
export const randomHex = (length: number) =>
  randomBytes(Math.ceil(length / 2))
    .toString('hex')
    .slice(0, length);
// Exact: a server may treat IDs as opaque strings, so a client must send them as it got them.
export const sameId = (a: string, b: string) => a === b;

// IpAccessListEntry says "IPv4 address or IPv4 CIDR"; the loose forms ipaddr.js also parses
// (`10.1`, `0x7f.1`, octal) are not addresses a strict server would take.
function parseIpv4Source(source: string): [ipaddr.IPv4, number] | undefined {
  const [address, prefix, ...rest] = source.split('/');
  if (address === undefined || rest.length > 0 || !ipaddr.IPv4.isValidFourPartDecimal(address)) return undefined;
  if (prefix === undefined) return [ipaddr.IPv4.parse(address), 32];
  if (!/^(?:\d|[12]\d|3[0-2])$/.test(prefix)) return undefined;
  return [ipaddr.IPv4.parse(address), Number(prefix)];
}

/** Checks a list of access-list entries as the API would, naming the field of the first bad one. */
export function checkIpAccessList(entries: IpAccessListEntry[], field: string): void {
  for (const [index, entry] of entries.entries()) {
    if (entry.source === undefined) throw badRequest(`'${field}[${index}].source' is required`);
    if (!parseIpv4Source(entry.source)) {
      throw badRequest(`'${field}[${index}].source' must be an IPv4 address or IPv4 CIDR, got '${entry.source}'`);
    }
  }
}

export function ipAllowed(list: IpAccessListEntry[], remoteAddress: string | undefined): boolean {
  if (remoteAddress === undefined || !ipaddr.isValid(remoteAddress)) return false;
  const address = ipaddr.process(remoteAddress);
  if (address.kind() !== 'ipv4') return false;
  return list.some((entry) => {
    const range = entry.source === undefined ? undefined : parseIpv4Source(entry.source);
    return range !== undefined && (address as ipaddr.IPv4).match(range);
  });
}
