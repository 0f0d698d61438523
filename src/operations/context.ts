import type { ApiClient } from '../api/client.js';
import type { Journal } from '../journal.js';

/** What an operation works with besides its settings. */
export interface OperationContext {
  client: ApiClient;
  /** Where the step records what it is about to create or change, for the post step. */
  journal: Journal;
  now: number;
  log: (line: string) => void;
  warn: (line: string) => void;
}

/** What the post step works with: no journal, since it never begins anything. */
export type PostContext = Pick<OperationContext, 'client' | 'log' | 'warn'> & { organizationId: string };
