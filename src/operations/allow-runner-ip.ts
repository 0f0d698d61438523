import ipaddr from 'ipaddr.js';
import type { ApiResponse } from '../api/client.js';
import { lookUpPublicIpv4 } from '../api/ip-lookup.js';
import { servicePath } from '../api/paths.js';
import type { IpAccessListEntry, Service } from '../api/types.js';
import type { AllowRunnerIpSettings } from '../inputs/allow-runner-ip.js';
import type { Intent, JournalRecord } from '../journal.js';
import type { OperationContext, PostContext } from './context.js';
import { recordedCreate } from './recorded-create.js';
import type { OperationResult } from './result.js';
import { asBlock } from '../inputs/ip-access-list.js';

type EntryIntent = Extract<Intent, { kind: 'ip-entry' }>;

/** The service's list, from an answer that must carry it: without one it is unreadable, never empty. */
async function readList(
  client: OperationContext['client'],
  path: string,
): Promise<ApiResponse<Service & { ipAccessList: IpAccessListEntry[] }>> {
  return (await client.get<Service>(path, ['ipAccessList'])) as ApiResponse<Service & { ipAccessList: IpAccessListEntry[] }>;
}

/**
 * The listed entry for `source` itself, however the API spells a single address; of several (an
 * API that takes a source twice), the one with `description`.
 */
function sameEntry(list: IpAccessListEntry[], source: string, description: string): IpAccessListEntry | undefined {
  const same = list.filter((entry) => asBlock(entry.source) === asBlock(source));
  return same.find((entry) => entry.description === description) ?? same[0];
}

/** Names an entry the step cannot prove its own, with how to remove it: the text of a failure. */
const unprovable = (intent: EntryIntent, why: string) =>
  `${why}: the IP access list of service ${intent.serviceId} holds ${intent.source} described ${JSON.stringify(intent.description)}, a description you chose, which carries no nonce, so the entry may be another job's. It was left in place; if it is this step's, remove it in the ClickHouse Cloud console (the service's Settings > Security) or leave description empty so the step marks its entries.`;

/** The entry of the list that already lets `source` in (the same block or a larger one), if any. */
function coveringEntry(list: IpAccessListEntry[], source: string): IpAccessListEntry | undefined {
  const [address, bits] = ipaddr.IPv4.parseCIDR(source);
  return list.find((entry) => {
    const listed = asBlock(entry.source);
    if (!ipaddr.IPv4.isValidCIDRFourPartDecimal(listed)) return false;
    const range = ipaddr.IPv4.parseCIDR(listed);
    return range[1] <= bits && address.match(range);
  });
}

export async function allowRunnerIp(settings: AllowRunnerIpSettings, { client, journal, log }: OperationContext): Promise<OperationResult> {
  const { organizationId } = settings.common;
  const source = settings.source ?? `${await lookUpPublicIpv4(settings.lookupUrls, log)}/32`;
  const path = servicePath(organizationId, settings.serviceId);
  const read = await readList(client, path);
  const covering = coveringEntry(read.result.ipAccessList, source);
  let response: ApiResponse<Service> = read;
  if (!covering) {
    const entry = { source, description: settings.description };
    const intent: EntryIntent = {
      kind: 'ip-entry',
      serviceId: settings.serviceId,
      source,
      description: settings.description,
      descriptionIsMark: settings.descriptionIsMark,
      removeOnExit: settings.removeOnExit,
      sentAt: Date.now(),
    };
    // A PATCH that names only this entry: parallel jobs adding other addresses do not overwrite each other.
    // Adding twice is not idempotent (an API may refuse a listed source), so a try that may have
    // committed is settled by reading the list: the entry with the step's mark is the step's.
    // A refused add is recorded as such: the same entry listed later is another job's.
    ({ response } = await recordedCreate<Service>(
      journal,
      intent,
      (onAmbiguous) => client.patch<Service>(path, { ipAccessList: { add: [entry] } }, onAmbiguous),
      async () => {
        const service = await readList(client, path);
        if (sameEntry(service.result.ipAccessList, source, settings.description)?.description !== settings.description) return 'retry';
        if (!settings.descriptionIsMark) throw new Error(unprovable(intent, 'The add may have been carried out although no answer came'));
        return service;
      },
      () => source,
    ));
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
  const entry = sameEntry((await readList(client, path)).result.ipAccessList, intent.source, intent.description);
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
  // Without an answer to its add, only the step's nonce proves the entry its own.
  if (!record.created && !intent.descriptionIsMark) throw new Error(unprovable(intent, 'The main step did not read the answer to its add'));
  // Removed by the source as the API lists it, which may be the bare address.
  await client.patch<Service>(path, { ipAccessList: { remove: [{ source: entry.source }] } });
  log(`Removed ${intent.source} from the IP access list of service ${intent.serviceId}.`);
}
