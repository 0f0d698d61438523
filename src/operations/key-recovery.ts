import type { AmbiguousHandler, ApiClient } from '../api/client.js';
import type { ApiKey, ApiKeyPostResponse } from '../api/types.js';
import type { Intent, JournalRecord } from '../journal.js';
import type { PostContext } from './context.js';
import { deleteKeyIfPresent } from './delete-key.js';
import { listKeys } from './list-keys.js';
import { reasonOf } from '../reason.js';

/** The API's clock and the runner's may disagree by this much. */
const CLOCK_SKEW_MS = 120_000;

export interface KeyRecoveryContext {
  client: ApiClient;
  organizationId: string;
  name: string;
  /** A generated name carries a nonce: every key under it is provably this step's. */
  nameIsGenerated: boolean;
  /** With local-secret, the suffix of the key ID the step made, which the API echoes as keySuffix. */
  localSuffix?: string;
  /** When the first try was sent. */
  sentAt: number;
  log: (line: string) => void;
  warn: (line: string) => void;
}

type KeyMark = Pick<KeyRecoveryContext, 'name' | 'nameIsGenerated' | 'localSuffix' | 'sentAt'>;
type KeyIntent = Extract<Intent, { kind: 'key' }>;

/** A generated name (it carries a nonce) or the suffix of a key ID the step made proves a key the step's. */
function provablyOwn(mark: Pick<KeyMark, 'nameIsGenerated' | 'localSuffix'>): boolean {
  return mark.nameIsGenerated || mark.localSuffix !== undefined;
}

/**
 * Keys that may be this step's: its name (and with local-secret, its suffix). A name the user
 * chose also needs a creation since the first try; a generated name or a local suffix proves the
 * key whatever the API's clock wrote into `createdAt`.
 */
export function matchingKeys(keys: ApiKey[], mark: Pick<KeyMark, 'name' | 'sentAt' | 'localSuffix' | 'nameIsGenerated'>): ApiKey[] {
  return keys.filter(
    (key) =>
      key.id !== undefined &&
      key.name === mark.name &&
      (provablyOwn(mark) || key.createdAt === undefined || Date.parse(key.createdAt) >= mark.sentAt - CLOCK_SKEW_MS) &&
      (mark.localSuffix === undefined || key.keySuffix === mark.localSuffix),
  );
}

/** How a user deletes a key the action could not: the words of an `::error::`. */
export const howToDeleteKey = (id: string) =>
  `delete it in the ClickHouse Cloud console (Organization > API keys) or with operation: delete-key, key: ${id}`;

/** Names keys the step cannot prove its own, with how to delete each; the message of a failure. */
function unprovable(keys: ApiKey[], mark: KeyMark, why: string): string {
  const named = keys.map((key) => `${key.id} (${howToDeleteKey(key.id as string)})`).join('; ');
  return `${why}, and the step cannot prove which key is its own: key(s) named ${JSON.stringify(mark.name)} created since it began: ${named}. Nothing was deleted; if they are this step's, delete them.`;
}

/**
 * What to do when a key creation may have been carried out although no answer came. With
 * local-secret the step knows the secret, so the key it finds is the result. Without it the
 * secret is lost, so a key provably the step's (generated name) is deleted and a fresh one made.
 * A key that cannot be proven the step's is never deleted: the step fails and names it.
 */
export function keyRecovery(context: KeyRecoveryContext): AmbiguousHandler<ApiKeyPostResponse> {
  const { client, organizationId, log } = context;
  return async () => {
    const listed = await listKeys(client, organizationId);
    const found = matchingKeys(listed.result, context);
    if (found.length === 0) return 'retry';
    const ids = found.map((key) => key.id).join(', ');
    if (context.localSuffix !== undefined && found.length === 1) {
      log(`The key was created although no answer came: ${ids}; the step knows its secret and uses it.`);
      return { httpStatus: listed.httpStatus, requestId: listed.requestId, result: { key: found[0] } };
    }
    if (!provablyOwn(context) || context.localSuffix !== undefined) {
      throw new Error(unprovable(found, context, 'The key creation may have been carried out although no answer came'));
    }
    try {
      for (const key of found) await deleteKeyIfPresent(client, organizationId, key.id as string);
    } catch (error) {
      const reason = reasonOf(error);
      throw new Error(
        `This step created key(s) ${ids} although no answer (and so no secret) came, and could not delete them: ${reason}. Delete them by hand.`,
        { cause: error },
      );
    }
    log(`Deleted key(s) ${ids}, created by this step although no answer (and so no secret) came; creating a fresh one.`);
    return 'retry';
  };
}

/**
 * After a creation that needed recovery: a first try may have landed after the lookup, leaving a
 * copy. Copies provably the step's are deleted; others are only named. Never throws: the key the
 * step keeps is made, and a clean-up hiccup is a warning (the post step sweeps again).
 */
export async function settleCopies(context: KeyRecoveryContext, keep: string): Promise<void> {
  const { client, organizationId, log, warn } = context;
  try {
    const listed = await listKeys(client, organizationId);
    const copies = matchingKeys(listed.result, context).filter((key) => key.id !== keep);
    const ids = copies.map((key) => key.id).join(', ');
    if (copies.length > 0 && !provablyOwn(context)) {
      warn(
        `Key(s) ${ids} named ${JSON.stringify(context.name)} appeared while this step retried; they may be a late copy of its key or another job's, so they were not deleted.`,
      );
    } else if (copies.length > 0) {
      for (const key of copies) await deleteKeyIfPresent(client, organizationId, key.id as string);
      log(`Deleted late copies of this step's key: ${ids}.`);
    }
  } catch (error) {
    warn(`Could not check for late copies of this step's key: ${reasonOf(error)}`);
  }
}

/**
 * The post step's part for create-key: revokes the key (when asked to, or when the main step did
 * not finish, so its key was never handed over), and looks for keys the main step may have made
 * without reading the answer: deleted when provably the step's, otherwise named in the failure.
 * Throws when a key may be left alive.
 */
export async function finishKey(intent: KeyIntent, record: JournalRecord, context: PostContext): Promise<void> {
  try {
    await revokeAndSweep(intent, record, context);
  } catch (error) {
    throw new Error(mayBeAlive(intent, record, reasonOf(error)), { cause: error });
  }
}

/** The failure of a post step that may leave a key alive: the key named, with how to delete it. */
function mayBeAlive(intent: KeyIntent, record: JournalRecord, reason: string): string {
  if (record.created) {
    return `Could not revoke API key ${record.created} (${JSON.stringify(intent.name)}): ${reason}. Delete it by hand (ClickHouse Cloud console, Organization > API keys) or with operation: delete-key, key: ${record.created}.`;
  }
  return `Could not make sure that the API key ${JSON.stringify(intent.name)}, which the main step may have created without reading the answer, is gone: ${reason}. Look for a key of that name in the ClickHouse Cloud console (Organization > API keys) and delete it there, or with operation: delete-key and its ID.`;
}

async function revokeAndSweep(intent: KeyIntent, record: JournalRecord, context: PostContext): Promise<void> {
  const { client, organizationId, log } = context;
  const keep = record.finished && !intent.revokeOnExit ? record.created : undefined;
  if (record.created && record.created !== keep) {
    const { wasGone } = await deleteKeyIfPresent(client, organizationId, record.created);
    if (!wasGone) log(`Revoked API key ${record.created}.`);
    else if (record.finished) context.warn(`API key ${record.created} was already gone; nothing to revoke.`);
  }
  if (record.created && !record.ambiguous) return;
  const found = matchingKeys((await listKeys(client, organizationId)).result, intent).filter(
    (key) => key.id !== record.created && key.id !== keep,
  );
  if (found.length === 0) return;
  const why = record.created
    ? 'A create that needed recovery may have left copies'
    : 'The main step did not read the answer to its key creation';
  if (!provablyOwn(intent)) throw new Error(unprovable(found, intent, why));
  for (const key of found) await deleteKeyIfPresent(client, organizationId, key.id as string);
  log(`${why}; deleted this step's key(s) ${found.map((key) => key.id).join(', ')}.`);
}
