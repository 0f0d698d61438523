import * as core from '@actions/core';

/**
 * What the main step began, written to the step's saved state (GITHUB_STATE, appended and on disk
 * at once) before the request that creates or changes anything. The post step reads it to finish
 * or undo that work even when the main step was cancelled, crashed or never read the answer.
 * Never a secret: only what finds the resource again.
 */
export type Intent =
  | {
      kind: 'key';
      name: string;
      /** A generated name carries a nonce: every key under it is provably this step's. */
      nameIsGenerated: boolean;
      /** With local-secret, the suffix of the key ID the step made, which the API echoes as keySuffix. */
      localSuffix?: string;
      revokeOnExit: boolean;
      sentAt: number;
    }
  | {
      kind: 'reverse-endpoint';
      serviceId: string;
      /** Appended to the description sent, as ` [<mark>]`: only an endpoint carrying it is this step's. */
      mark: string;
      sentAt: number;
    }
  | { kind: 'private-endpoint'; serviceId: string; endpointId: string; sentAt: number }
  | {
      kind: 'ip-entry';
      serviceId: string;
      source: string;
      /** The entry's description: the post step removes the entry only while it still carries it. */
      description: string;
      /** The description carries the step's nonce; without it an entry found after a lost answer proves nothing. */
      descriptionIsMark: boolean;
      removeOnExit: boolean;
      sentAt: number;
    }
  | {
      /** Recorded only before a `start` to a stopped service: the one change stop-on-exit undoes. */
      kind: 'service-start';
      serviceId: string;
      stopOnExit: boolean;
      sentAt: number;
    }
  | {
      kind: 'service';
      name: string;
      /** The `gha-mark` tag's value: the only proof a service is this step's. */
      mark: string;
      deleteOnExit: boolean;
      /** The post step's deletion ends within this. */
      waitTimeoutMs: number;
      sentAt: number;
    };

export interface Journal {
  /** Before the first request that creates or changes anything. */
  begin(intent: Intent): void;
  /** As soon as an answer names the resource made. */
  created(id: string): void;
  /** A try may have committed without an answer: copies may exist beside the one kept. */
  ambiguous(): void;
  /** The create was refused in a way that proves nothing was made: the post step has nothing to look for. */
  refused(): void;
  /** The main step ran to its end: what it made is the user's now (the post step only revokes on request). */
  finished(): void;
}

export interface JournalRecord {
  intent?: Intent;
  created?: string;
  ambiguous: boolean;
  refused: boolean;
  finished: boolean;
  /** The last 4 characters of the key ID the main step authenticated with, to notice changed credentials. */
  authSuffix?: string;
  /** The organization the main step worked in, to notice a changed CLICKHOUSE_ORG_ID. */
  organizationId?: string;
}

const NAMES = {
  intent: 'intent',
  created: 'created',
  ambiguous: 'ambiguous',
  refused: 'refused',
  finished: 'finished',
  auth: 'auth',
  organization: 'organization',
} as const;

/**
 * Which key the main step authenticated with (its last 4 characters, never the secret) and in
 * which organization, for the post step.
 */
export function recordCredentials(keyId: string, organizationId: string): void {
  core.saveState(NAMES.auth, keyId.slice(-4));
  core.saveState(NAMES.organization, organizationId);
}

/** The journal in the step's saved state. */
export const stateJournal: Journal = {
  begin: (intent) => core.saveState(NAMES.intent, JSON.stringify(intent)),
  created: (id) => core.saveState(NAMES.created, id),
  ambiguous: () => core.saveState(NAMES.ambiguous, 'true'),
  refused: () => core.saveState(NAMES.refused, 'true'),
  finished: () => core.saveState(NAMES.finished, 'true'),
};

/** What the main step recorded. Throws on a record that cannot be read: nothing is acted on by guess. */
export function readJournal(): JournalRecord {
  const text = core.getState(NAMES.intent);
  let intent: Intent | undefined;
  try {
    intent = text ? (JSON.parse(text) as Intent) : undefined;
  } catch {
    throw new Error(`the main step's saved record cannot be read (${text.length} characters that are not JSON)`);
  }
  return {
    intent,
    created: core.getState(NAMES.created) || undefined,
    ambiguous: core.getState(NAMES.ambiguous) === 'true',
    refused: core.getState(NAMES.refused) === 'true',
    finished: core.getState(NAMES.finished) === 'true',
    authSuffix: core.getState(NAMES.auth) || undefined,
    organizationId: core.getState(NAMES.organization) || undefined,
  };
}
