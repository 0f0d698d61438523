import { type CommonSettings, parseSecureUrl, readService } from './common.js';
import { asBlock, normaliseSource } from './ip-access-list.js';
import { stepMark } from './key-name.js';
import { InputError } from './errors.js';
import { readBoolean, readInput, splitList } from './read.js';

const DEFAULT_LOOKUP_URLS = ['https://checkip.amazonaws.com', 'https://api.ipify.org', 'https://ipv4.icanhazip.com'];
const URLS_ACCEPTED =
  "URLs that answer the caller's public IPv4 address as plain text, one per line or comma-separated; https, or http to a loopback host";

export interface AllowRunnerIpSettings {
  operation: 'allow-runner-ip';
  common: CommonSettings;
  serviceId: string;
  /** The `ip` input as a CIDR block (`/32` for one address); undefined: look the runner's address up. */
  source?: string;
  lookupUrls: URL[];
  /** The entry's description, which marks it as this step's. */
  description: string;
  /** The description is the generated mark, whose nonce proves the entry this step's; one the user chose proves nothing. */
  descriptionIsMark: boolean;
  removeOnExit: boolean;
}

export function readAllowRunnerIp(common: CommonSettings): AllowRunnerIpSettings {
  const ip = readInput('ip');
  const source = ip === undefined ? undefined : normaliseSource('ip', ip);
  return {
    operation: 'allow-runner-ip',
    common,
    serviceId: readService(),
    ...(source === undefined ? {} : { source: asBlock(source) }),
    lookupUrls: readLookupUrls(),
    ...describe(readInput('description')),
    removeOnExit: readBoolean('remove-on-exit', true),
  };
}

/** `ip-lookup-urls`, also read by create-service for its default `ip-access-list`. */
export function readLookupUrls(): URL[] {
  const urls = splitList(readInput('ip-lookup-urls') ?? DEFAULT_LOOKUP_URLS.join('\n'));
  if (urls.length === 0) throw new InputError('ip-lookup-urls', 'is a list with no URL', URLS_ACCEPTED);
  return urls.map(parseLookupUrl);
}

function parseLookupUrl(text: string): URL {
  return parseSecureUrl('ip-lookup-urls', text, URLS_ACCEPTED, 'has');
}

const describe = (given: string | undefined) => ({ description: given ?? stepMark(), descriptionIsMark: given === undefined });
