/**
 * The API answered with an error, or could not be reached. Carries what a user needs to report
 * or fix it: the HTTP status (0 when no answer came), the API's own `error` text and its request
 * id. The message never contains request headers, so no credential can leak through it.
 */
export class ApiError extends Error {
  constructor(
    readonly method: string,
    readonly path: string,
    readonly status: number,
    readonly apiError: string,
    readonly requestId?: string,
    readonly attempts = 1,
    /** Whether the server may have carried the request out (no answer, a 5xx, an unreadable 2xx). */
    readonly maybeCarriedOut = false,
  ) {
    super(describe(method, path, status, apiError, requestId, attempts));
    this.name = 'ApiError';
  }
}

function describe(method: string, path: string, status: number, apiError: string, requestId: string | undefined, attempts: number): string {
  const what = status === 0 ? 'could not be reached' : `answered HTTP ${status}`;
  const id = requestId ? ` (request id ${requestId})` : '';
  const tries = attempts > 1 ? ` after ${attempts} attempts` : '';
  return `ClickHouse Cloud API ${what} to ${method} ${path}${tries}: ${apiError}${id}`;
}
