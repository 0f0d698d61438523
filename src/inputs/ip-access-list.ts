import ipaddr from 'ipaddr.js';
import { schemaProblems } from '../api/body-schema.js';
import { requestSchemas } from '../api/request-schemas.js';
import type { IpAccessListEntry } from '../api/types.js';
import { pick } from './body.js';
import { InputError, quote } from './errors.js';
import { splitList } from './read.js';

const ACCEPTED =
  'IPv4 addresses or CIDR blocks, one entry per line (or comma), `IP-or-CIDR [description]` such as `203.0.113.7 office` or `10.0.0.0/8`, or JSON [{"source": "...", "description": "..."}]';

/** The `ip-access-list` input: lines of `IP-or-CIDR [description]`, or the API's own JSON shape. */
export function parseIpAccessList(input: string, text: string): IpAccessListEntry[] {
  const entries = text.trimStart().startsWith('[') ? parseJsonList(input, text) : splitList(text).map(parseLine);
  return checkIpAccessList(input, entries);
}

/** Every source a real IP address or CIDR block; an empty list is refused since the API reads it as "deny all". */
export function checkIpAccessList(input: string, entries: IpAccessListEntry[]): IpAccessListEntry[] {
  if (entries.length === 0) {
    throw new InputError(
      input,
      'has no entry, which the API reads as "deny every address"',
      `${ACCEPTED}; leave it empty to allow every address`,
    );
  }
  return entries.map((entry) => ({ ...entry, source: normaliseSource(input, entry.source ?? '') }));
}

function parseLine(line: string): IpAccessListEntry {
  const [source = '', ...words] = line.split(/\s+/);
  const description = words.join(' ');
  return description ? { source, description } : { source };
}

function parseJsonList(input: string, text: string): IpAccessListEntry[] {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    throw new InputError(input, 'starts with [ but is not valid JSON', ACCEPTED);
  }
  const problems = schemaProblems(requestSchemas.ApiKeyPostRequest.properties.ipAccessList, value, input);
  if (problems.length > 0)
    throw new InputError(input, `is JSON but not a list of {source, description} objects (${problems.join('; ')})`, ACCEPTED);
  return value as IpAccessListEntry[];
}

// The document describes the entries as "IPv4 address or IPv4 CIDR"; an IPv6 one fails here, not at the API.
/** A source as a CIDR block: a single address is `a.b.c.d/32` (which the API may list as the bare address). */
export const asBlock = (source: string | undefined): string => (source?.includes('/') ? source : `${source ?? ''}/32`);

export function normaliseSource(input: string, source: string): string {
  const shown = quote(source);
  if (ipaddr.IPv6.isValid(source.split('/')[0] as string)) {
    throw new InputError(input, `has ${shown}, an IPv6 address, which API key access lists do not take`, ACCEPTED);
  }
  if (source.includes('/')) {
    if (!ipaddr.IPv4.isValidCIDRFourPartDecimal(source)) {
      throw new InputError(input, `has ${shown}, which is not a valid IPv4 CIDR block`, ACCEPTED);
    }
    const [address, bits] = ipaddr.IPv4.parseCIDR(source);
    const network = ipaddr.IPv4.networkAddressFromCIDR(source);
    if (network.toString() !== address.toString()) {
      throw new InputError(
        input,
        `has ${shown}, whose address has bits set past /${bits}`,
        `${ACCEPTED}; did you mean ${network.toString()}/${bits}?`,
      );
    }
    return `${address.toString()}/${bits}`;
  }
  // Four plain decimals only: ipaddr.isValid also takes legacy forms such as `127.1` or `0x7f.0.0.1`.
  if (!ipaddr.IPv4.isValidFourPartDecimal(source)) throw new InputError(input, `has ${shown}, which is not an IPv4 address`, ACCEPTED);
  return ipaddr.IPv4.parse(source).toString();
}

/** The `ip-access-list` input, else `body.ipAccessList`, else none (the API's default). */
export function pickIpAccessList(body: Record<string, unknown>): IpAccessListEntry[] | undefined {
  return pick<IpAccessListEntry[] | undefined>(
    'ip-access-list',
    body,
    'ipAccessList',
    (text) => parseIpAccessList('ip-access-list', text),
    (value) => checkIpAccessList('body.ipAccessList', value as IpAccessListEntry[]),
    () => undefined,
  );
}
