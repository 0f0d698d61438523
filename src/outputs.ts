import * as core from '@actions/core';
import { ApiError } from './api/errors.js';
import { InputError } from './inputs/errors.js';
import { info } from './log.js';
import type { OperationResult } from './operations/result.js';
import { mask, redact, scrub } from './secrets.js';
import { reasonOf } from './reason.js';

/** Masks the result's secrets, then sets every output, saves state, exports env and writes the summary. */
export async function publish(result: OperationResult): Promise<void> {
  for (const secret of result.secrets) mask(secret);
  const { response } = result;
  const outputs: Record<string, string> = {
    ...result.outputs,
    'http-status': String(response.httpStatus),
    'request-id': response.requestId ?? '',
    result: resultOutput(result),
  };
  for (const [name, value] of Object.entries(outputs)) core.setOutput(name, value);
  for (const [name, value] of Object.entries(result.env ?? {})) core.exportVariable(name, value);

  info(result.message);
  for (const warning of result.warnings ?? []) core.warning(warning);
  const rows: Array<[string, string]> = [['Operation', result.operation], ...result.summary, ['Request ID', response.requestId ?? '']];
  if (result.failure) {
    core.setFailed(result.failure);
    rows.push(['Error', result.failure]);
  }
  await writeSummary(rows, result.failure ? 'failed' : 'succeeded', result.details);
}

function resultOutput({ result, response, secrets }: OperationResult): string {
  const value = result ?? response.result;
  return value === undefined ? '' : JSON.stringify(redact(value, secrets));
}

/** Fails the step with one `::error::` line (core escapes newlines, so API text cannot start a command). */
export async function fail(operation: string, error: unknown): Promise<void> {
  // Scrubbed again here: whatever raised it, a failure's text never carries a known credential.
  const message = scrub(reasonOf(error));
  core.setFailed(message);
  await writeSummary(
    [
      ['Operation', operation],
      ['Error', message],
      ['What to check', advice(error)],
    ],
    'failed',
  );
}

function advice(error: unknown): string {
  if (error instanceof InputError) return `the \`${error.input}\` input of the step`;
  if (!(error instanceof ApiError)) return 'the step log';
  if (error.status === 401) return "api-key-id and api-key-secret: the key must exist, be enabled, not expired, and allow the runner's IP";
  if (error.status === 403) return "the authenticating key's roles: managing keys needs the admin role";
  if (error.status === 404) return 'the organization and service IDs';
  if (error.status === 0 || error.status === 429 || error.status >= 500)
    return 'the API status page; transient faults were retried up to max-attempts';
  return 'the request fields named in the error';
}

async function writeSummary(rows: Array<[string, string]>, outcome: string, details?: OperationResult['details']): Promise<void> {
  if (!process.env.GITHUB_STEP_SUMMARY) return;
  const summary = core.summary.addHeading(escapeHtml(`ClickHouse Cloud: ${rows[0]?.[1] ?? ''} ${outcome}`), 3).addTable([
    [
      { data: 'Field', header: true },
      { data: 'Value', header: true },
    ],
    ...rows.map(([field, value]) => [field, escapeHtml(value)]),
  ]);
  if (details && details.rows.length > 0) {
    summary.addTable([details.columns.map((data) => ({ data, header: true })), ...details.rows.map((row) => row.map(escapeHtml))]);
  }
  try {
    await summary.write();
  } catch (error) {
    // The summary is a courtesy: failing to write it must not fail (or fail twice) a step.
    core.warning(`Could not write the job summary: ${reasonOf(error)}`);
  }
}

function escapeHtml(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}
