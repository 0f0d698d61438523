import type { ApiResponse } from '../api/client.js';
import type { Operation } from '../inputs/common.js';

/** What an operation hands to the outputs module: nothing here has been masked or printed yet. */
export interface OperationResult {
  operation: Operation;
  /** The response that produced the final state; its `result` becomes the `result` output. */
  response: ApiResponse<unknown>;
  /** The operation's own outputs (kebab-case names), beside http-status, request-id and result. */
  outputs: Record<string, string>;
  /** Values to mask before any output is set. */
  secrets: string[];
  /** One line for the log and the job summary's table. */
  summary: { resource: string; name: string; status: string; expires?: string };
  /** Action state for the post step (never a secret). */
  state?: Record<string, string>;
  /** Variables for later steps (GITHUB_ENV). */
  env?: Record<string, string>;
}
