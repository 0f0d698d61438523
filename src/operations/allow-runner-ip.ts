import ipaddr from 'ipaddr.js';
import { lookUpPublicIpv4 } from '../api/ip-lookup.js';
import { servicePath } from '../api/paths.js';
import type { IpAccessListEntry, Service } from '../api/types.js';
import type { AllowRunnerIpSettings } from '../inputs/allow-runner-ip.js';
import type { Intent, JournalRecord } from '../journal.js';
import type { OperationContext, PostContext } from './context.js';
import type { OperationResult } from './result.js';

type EntryIntent = Extract<Intent, { kind: 'ip-entry' }>;

/** The entry of the list that already lets `source` in (the same block or a larger one), if any. */
function coveringEntry(list: IpAccessListEntry[], source: string): IpAccessListEntry | undefined {
  const [address, bits] = ipaddr.IPv4.parseCIDR(source);
  return list.find((entry) => {
    const listed = entry.source?.includes('/') ? entry.source : `${entry.source}/32`;
    if (!listed || !ipaddr.IPv4.isValidCIDRFourPartDecimal(listed)) return false;
    const range = ipaddr.IPv4.parseCIDR(listed);
    return range[1] <= bits && address.match(range);
  });
}

export async function allowRunnerIp(settings: AllowRunnerIpSettings, { client, journal, log }: OperationContext): Promise<OperationResult> {
  const { organizationId } = settings.common;
  const source = settings.source ?? `${await lookUpPublicIpv4(settings.lookupUrls, log)}/32`;
  const path = servicePath(organizationId, settings.serviceId);
  const read = await client.get<Service>(path);
  const covering = coveringEntry(read.result.ipAccessList ?? [], source);
  let response = read;
  if (!covering) {
    const entry = { source, description: settings.description };
    journal.begin({
      kind: 'ip-entry',
      serviceId: settings.serviceId,
      source,
      description: settings.description,
      removeOnExit: settings.removeOnExit,
      sentAt: Date.now(),
    });
    // A PATCH that names only this entry: parallel jobs adding other addresses do not overwrite each other.
    // Adding twice is not idempotent (an API may refuse a listed source), so a try that may have
    // committed is settled by reading the list: the entry with the step's mark is the step's.
    response = await client.patch<Service>(path, { ipAccessList: { add: [entry] } }, async () => {
      const service = await client.get<Service>(path);
      const made = (service.result.ipAccessList ?? []).some((e) => e.source === source && e.description === settings.description);
      return made ? service : 'retry';
    });
    journal.created(source);
  }
  const added = !covering;
  return {
    operation: 'allow-runner-ip',
    response,
    result: response.result.ipAccessList ?? [],
    outputs: { ip: source, added: String(added), 'covered-by': covering?.source ?? '', 'service-id': settings.serviceId },
    secrets: [],
    message: added
      ? `Added ${source} to the IP access list of service ${settings.serviceId} (${settings.description})${settings.removeOnExit ? '; the post step removes it' : ''}.`
      : `${source} is already allowed by the entry ${covering.source}${covering.description ? ` (${covering.description})` : ''}; nothing added, nothing to remove at the end.`,
    summary: [
      ['Service', settings.serviceId],
      ['Address allowed', source],
      ['Added', added ? `yes, as "${settings.description}"` : `no: covered by ${covering.source}`],
      ['Removed at job end', added && settings.removeOnExit ? 'yes' : 'no'],
    ],
  };
}

/**
 * The post step's part: removes the entry the step added (when asked to, or when the main step
 * did not finish), and only while its description is still the step's mark. The API removes by
 * source, so an entry someone changed since is left, with a warning.
 */
export async function finishIpEntry(
  intent: EntryIntent,
  record: JournalRecord,
  { client, organizationId, log, warn }: PostContext,
): Promise<void> {
  if (record.finished && !intent.removeOnExit) return;
  const path = servicePath(organizationId, intent.serviceId);
  const listed = (await client.get<Service>(path)).result.ipAccessList ?? [];
  const entry = listed.find((e) => e.source === intent.source);
  if (!entry) {
    if (record.created)
      warn(
        `The entry ${intent.source} this step added is no longer in the IP access list of service ${intent.serviceId}; nothing to remove.`,
      );
    return;
  }
  if (entry.description !== intent.description) {
    warn(
      `The entry ${intent.source} of service ${intent.serviceId} no longer carries this step's mark ("${intent.description}", now "${entry.description ?? ''}"): someone changed it, so it is left in place.`,
    );
    return;
  }
  await client.patch<Service>(path, { ipAccessList: { remove: [{ source: intent.source }] } });
  log(`Removed ${intent.source} from the IP access list of service ${intent.serviceId}.`);
}
