import type { ApiResponse } from '../api/client.js';
import type { Operation } from '../inputs/common.js';

/** What an operation hands to the outputs module: nothing here has been masked or printed yet. */
export interface OperationResult {
  operation: Operation;
  /** The response that produced the final state; its `result` becomes the `result` output. */
  response: ApiResponse<unknown>;
  /** What `result` holds, when it is not the response's own (prune-keys: the deleted keys). */
  result?: unknown;
  /** The operation's own outputs (kebab-case names), beside http-status, request-id and result. */
  outputs: Record<string, string>;
  /** Values to mask before any output is set. */
  secrets: string[];
  /** One line for the log. */
  message: string;
  /** Field/value rows of the job summary (the request id is added to them). */
  summary: Array<[string, string]>;
  /** A further table for the summary, e.g. the keys prune-keys deleted. */
  details?: { columns: string[]; rows: string[][] };
  /** Said once each, as workflow warnings. */
  warnings?: string[];
  /** Set when the step must fail although there are outputs to show (e.g. some deletes failed). */
  failure?: string;
  /** Variables for later steps (GITHUB_ENV). */
  env?: Record<string, string>;
}
