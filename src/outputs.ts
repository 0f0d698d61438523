import * as core from '@actions/core';
import { ApiError } from './api/errors.js';
import { InputError } from './inputs/errors.js';
import type { OperationResult } from './operations/result.js';
import { mask, redact } from './secrets.js';

/** Masks the result's secrets, then sets every output, saves state, exports env and writes the summary. */
export async function publish(result: OperationResult): Promise<void> {
  for (const secret of result.secrets) mask(secret);
  const { response } = result;
  const outputs: Record<string, string> = {
    ...result.outputs,
    'http-status': String(response.httpStatus),
    'request-id': response.requestId ?? '',
    result: response.result === undefined ? '' : JSON.stringify(redact(response.result, result.secrets)),
  };
  for (const [name, value] of Object.entries(outputs)) core.setOutput(name, value);
  for (const [name, value] of Object.entries(result.state ?? {})) core.saveState(name, value);
  for (const [name, value] of Object.entries(result.env ?? {})) core.exportVariable(name, value);

  const { resource, name, status, expires } = result.summary;
  core.info(`${result.operation}: ${resource}${name ? ` (${name})` : ''} ${status}${expires ? `, expires ${expires}` : ''}.`);
  await writeSummary([
    ['Operation', result.operation],
    ['Resource', resource],
    ['Name', name],
    ['Status', status],
    ...(expires ? [['Expires', expires] as [string, string]] : []),
    ['Request ID', response.requestId ?? ''],
  ]);
}

/** Fails the step with one `::error::` line (core escapes newlines, so API text cannot start a command). */
export async function fail(operation: string, error: unknown): Promise<void> {
  const message = error instanceof Error ? error.message : String(error);
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
  if (error.status === 401) return 'api-key-id and api-key-secret: the key must exist, be enabled, not expired, and allow the runner\'s IP';
  if (error.status === 403) return 'the authenticating key\'s roles: managing keys needs the admin role';
  if (error.status === 404) return 'the organization and service IDs';
  if (error.status === 0 || error.status === 429 || error.status >= 500) return 'the API status page; transient faults were retried up to max-attempts';
  return 'the request fields named in the error';
}

async function writeSummary(rows: Array<[string, string]>, outcome = 'succeeded'): Promise<void> {
  if (!process.env.GITHUB_STEP_SUMMARY) return;
  await core.summary
    .addHeading(`ClickHouse Cloud: ${rows[0]?.[1] ?? ''} ${outcome}`, 3)
    .addTable([
      [
        { data: 'Field', header: true },
        { data: 'Value', header: true },
      ],
      ...rows.map(([field, value]) => [field, escapeHtml(value)]),
    ])
    .write();
}

function escapeHtml(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}
