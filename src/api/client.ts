import type { Agent } from 'node:http';
import fetch, { type Response } from 'node-fetch';
import { ApiError } from './errors.js';
import { type Failure, isTransient, mayHaveCommitted, rateLimitResetMs, retryDelayMs } from './retry.js';

export interface ClientConfig {
  baseUrl: URL;
  /** `Basic <base64(keyId:secret)>`, already masked by the caller. */
  authorization: string;
  userAgent: string;
  timeoutMs: number;
  maxAttempts: number;
  /** A proxy tunnel, when the runner has one configured. */
  agent?: Agent;
  log: (line: string) => void;
  sleep?: (ms: number) => Promise<void>;
}

export interface ApiResponse<T> {
  httpStatus: number;
  requestId?: string;
  result: T;
}

/**
 * What a create does when its POST failed in a way that may have committed it: `retry` when it
 * proved nothing was made, or the resource it found and owns. Without a handler such a POST is
 * not re-sent, since a blind retry can leave a second resource behind.
 */
export type AmbiguousHandler<T> = (failure: ApiError) => Promise<'retry' | ApiResponse<T>>;

type Method = 'GET' | 'POST' | 'DELETE';

interface Attempt {
  response?: Response;
  text?: string;
  failure?: Failure & { reason: string };
}

/** The ClickHouse Cloud API over node-fetch: basic auth, JSON envelopes, deadlines and retries. */
export class ApiClient {
  private readonly sleep: (ms: number) => Promise<void>;
  /** Set when the rate-limit window is used up, so the next request waits instead of earning a 429. */
  private windowReopensAt = 0;

  constructor(private readonly config: ClientConfig) {
    this.sleep = config.sleep ?? ((ms) => new Promise((resolve) => setTimeout(resolve, ms)));
  }

  get<T>(path: string): Promise<ApiResponse<T>> {
    return this.request<T>('GET', path);
  }

  delete(path: string): Promise<ApiResponse<undefined>> {
    return this.request<undefined>('DELETE', path);
  }

  post<T>(path: string, body: unknown, onAmbiguous?: AmbiguousHandler<T>): Promise<ApiResponse<T>> {
    return this.request<T>('POST', path, body, onAmbiguous);
  }

  private async request<T>(method: Method, path: string, body?: unknown, onAmbiguous?: AmbiguousHandler<T>): Promise<ApiResponse<T>> {
    const { maxAttempts, log } = this.config;
    for (let attempt = 1; ; attempt++) {
      await this.waitForWindow();
      const outcome = await this.send(method, path, body);
      if (outcome.response && outcome.response.ok) return this.success<T>(outcome.response, outcome.text ?? '');
      const failure = outcome.failure ?? this.failureOf(outcome.response as Response);
      const error = this.errorOf(method, path, failure, outcome.text, attempt);
      if (!isTransient(failure)) throw error;
      const ambiguous = method === 'POST' && mayHaveCommitted(failure);
      const exhausted = attempt >= maxAttempts;
      if ((ambiguous && !onAmbiguous) || (exhausted && !ambiguous)) throw error;
      const wait = retryDelayMs(failure, attempt);
      const next = ambiguous ? 'it may have been carried out, so the step checks' : 'retrying';
      log(`Attempt ${attempt}/${maxAttempts} of ${method} ${path} failed (${failure.reason}); ${next} in ${(wait / 1000).toFixed(1)} s.`);
      await this.sleep(wait);
      // Even after the last attempt: a create that did happen must be found (or undone), not forgotten.
      if (ambiguous && onAmbiguous) {
        const found = await onAmbiguous(error);
        if (found !== 'retry') return found;
        if (exhausted) throw error;
      }
    }
  }

  private async send(method: Method, path: string, body: unknown): Promise<Attempt> {
    const { baseUrl, authorization, userAgent, timeoutMs, agent } = this.config;
    const controller = new AbortController();
    const timer = setTimeout(() => controller.abort(), timeoutMs);
    try {
      const response = await fetch(`${baseUrl.href.replace(/\/+$/, '')}${path}`, {
        method,
        headers: {
          Authorization: authorization,
          Accept: 'application/json',
          'User-Agent': userAgent,
          ...(body === undefined ? {} : { 'Content-Type': 'application/json' }),
        },
        body: body === undefined ? undefined : JSON.stringify(body),
        signal: controller.signal,
        // A redirect is answered as what it is (a final 3xx error), never followed with the credentials.
        redirect: 'manual',
        agent,
      });
      const text = await response.text();
      this.noteRateLimit(response);
      return { response, text };
    } catch (error) {
      return { failure: networkFailure(error, timeoutMs) };
    } finally {
      clearTimeout(timer);
    }
  }

  private success<T>(response: Response, text: string): ApiResponse<T> {
    const envelope = parseJson(text);
    const requestId = typeof envelope?.requestId === 'string' ? envelope.requestId : undefined;
    return { httpStatus: response.status, requestId, result: envelope?.result as T };
  }

  private failureOf(response: Response): Failure & { reason: string } {
    return { status: response.status, maybeProcessed: true, headers: response.headers, reason: `HTTP ${response.status}` };
  }

  private errorOf(
    method: Method,
    path: string,
    failure: Failure & { reason: string },
    text: string | undefined,
    attempts: number,
  ): ApiError {
    if (failure.status === 0) return new ApiError(method, path, 0, failure.reason, undefined, attempts);
    if (failure.status >= 300 && failure.status < 400) {
      const location = failure.headers?.get('location') ?? 'elsewhere';
      return new ApiError(
        method,
        path,
        failure.status,
        `a redirect to ${location}, which the action does not follow (check api-url)`,
        undefined,
        attempts,
      );
    }
    const envelope = parseJson(text ?? '');
    const apiError = typeof envelope?.error === 'string' ? envelope.error : (text ?? '').slice(0, 200) || 'no error text';
    const requestId = typeof envelope?.requestId === 'string' ? envelope.requestId : undefined;
    return new ApiError(method, path, failure.status, apiError, requestId, attempts);
  }

  private noteRateLimit(response: Response): void {
    const reset = rateLimitResetMs(response.headers);
    if (response.headers.get('x-ratelimit-remaining') === '0' && reset !== undefined) this.windowReopensAt = Date.now() + reset;
  }

  private async waitForWindow(): Promise<void> {
    const wait = this.windowReopensAt - Date.now();
    if (wait <= 0) return;
    this.config.log(`Rate limit window used up; waiting ${(wait / 1000).toFixed(1)} s.`);
    await this.sleep(wait);
  }
}

function parseJson(text: string): Record<string, unknown> | undefined {
  try {
    const value: unknown = JSON.parse(text);
    return typeof value === 'object' && value !== null ? (value as Record<string, unknown>) : undefined;
  } catch {
    return undefined;
  }
}

// Errors raised before any byte left: the server cannot have seen the request.
const NOT_SENT = new Set(['ECONNREFUSED', 'ENOTFOUND', 'EAI_AGAIN', 'EHOSTUNREACH', 'ENETUNREACH']);

function networkFailure(error: unknown, timeoutMs: number): Failure & { reason: string } {
  const err = error as { name?: string; code?: string; message?: string };
  if (err.name === 'AbortError') {
    return { status: 0, maybeProcessed: true, reason: `no answer within ${timeoutMs / 1000} s` };
  }
  const code = err.code ?? 'network error';
  return { status: 0, maybeProcessed: !NOT_SENT.has(code), reason: code };
}
