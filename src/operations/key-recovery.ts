import type { AmbiguousHandler, ApiClient } from '../api/client.js';
import { keysPath } from '../api/paths.js';
import type { ApiKey, ApiKeyPostResponse } from '../api/types.js';
import { deleteKeyIfPresent } from './delete-key.js';

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

/** What the post step needs to sweep late copies: the key's name and, with local-secret, its suffix. */
export type CopyMark = Pick<KeyRecoveryContext, 'name' | 'localSuffix'>;

/** A generated name (it carries a nonce) or the suffix of a key ID the step made proves a key the step's. */
function provablyOwn(context: Pick<KeyRecoveryContext, 'nameIsGenerated' | 'localSuffix'>): boolean {
  return context.nameIsGenerated || context.localSuffix !== undefined;
}

/** Keys that may be this step's: its name, created since the first try (and with local-secret, its suffix). */
export function matchingKeys(keys: ApiKey[], context: Pick<KeyRecoveryContext, 'name' | 'sentAt' | 'localSuffix'>): ApiKey[] {
  return keys.filter(
    (key) =>
      key.id !== undefined &&
      key.name === context.name &&
      (key.createdAt === undefined || Date.parse(key.createdAt) >= context.sentAt - CLOCK_SKEW_MS) &&
      (context.localSuffix === undefined || key.keySuffix === context.localSuffix),
  );
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
    const listed = await client.get<ApiKey[]>(keysPath(organizationId));
    const found = matchingKeys(listed.result ?? [], context);
    if (found.length === 0) return 'retry';
    const ids = found.map((key) => key.id).join(', ');
    if (context.localSuffix !== undefined && found.length === 1) {
      log(`The key was created although no answer came: ${ids}; the step knows its secret and uses it.`);
      return { httpStatus: listed.httpStatus, requestId: listed.requestId, result: { key: found[0] } };
    }
    if (!provablyOwn(context) || context.localSuffix !== undefined) {
      throw new Error(
        `The key creation may have been carried out although no answer came, and the step cannot prove which key is its own: key(s) ${ids} named ${JSON.stringify(context.name)}. Nothing was deleted; if they are this step's, delete them by hand.`,
      );
    }
    try {
      for (const key of found) await deleteKeyIfPresent(client, organizationId, key.id as string);
    } catch (error) {
      const reason = error instanceof Error ? error.message : String(error);
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
 * Returns the mark the post step sweeps by, when the copies are provably the step's.
 */
export async function settleCopies(context: KeyRecoveryContext, keep: string): Promise<CopyMark | undefined> {
  const { client, organizationId, log, warn } = context;
  try {
    const listed = await client.get<ApiKey[]>(keysPath(organizationId));
    const copies = matchingKeys(listed.result ?? [], context).filter((key) => key.id !== keep);
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
    warn(`Could not check for late copies of this step's key: ${error instanceof Error ? error.message : String(error)}`);
  }
  return provablyOwn(context) ? { name: context.name, localSuffix: context.localSuffix } : undefined;
}
