import type { Agent } from 'node:http';
import fetch, { type Response } from 'node-fetch';
import { CancelledError, type Cancellation } from '../cancel.js';
import { isLoopbackHost } from './secure-url.js';
import { scrub } from '../secrets.js';
import { ApiError } from './errors.js';
import { type PacerHandover, type PacerRole, RateLimitPacer } from './rate-limit.js';
import { type Failure, isTransient, mayHaveCommitted, retryDelayMs } from './retry.js';

export interface ClientConfig {
  baseUrl: URL;
  /** `Basic <base64(keyId:secret)>`, already masked by the caller. */
  authorization: string;
  userAgent: string;
  timeoutMs: number;
  maxAttempts: number;
  /** The longest the step waits in total for the rate limit. */
  rateLimitWaitMs: number;
  /** A proxy tunnel, when the runner has one configured. */
  agent?: Agent;
  log: (line: string) => void;
  /** Ends waits early and stops new requests once the job is cancelled. */
  cancellation?: Cancellation;
  sleep?: (ms: number) => Promise<void>;
  random?: () => number;
  /** Which step paces its requests (default the main step); a post step's carries the main step's view. */
  role?: PacerRole;
}

export interface ApiResponse<T> {
  httpStatus: number;
  requestId?: string;
  result: T;
  /** A paginated list's cursor for the next page: null on the last, absent from an unpaginated answer. */
  nextCursor?: string | null;
}

/**
 * What a create does when its POST failed in a way that may have committed it: `retry` when it
 * proved nothing was made, or the resource it found and owns. Without a handler such a POST is
 * not re-sent, since a blind retry can leave a second resource behind.
 */
export type AmbiguousHandler<T> = (failure: ApiError) => Promise<'retry' | ApiResponse<T>>;

/**
 * Why a 200's result cannot be used although it is JSON (an ID not of the document's form), or
 * undefined. Such an answer is unreadable: a read is retried, a create handled like a lost answer.
 */
type ResultCheck<T> = (result: T) => string | undefined;

type Method = 'GET' | 'POST' | 'PATCH' | 'DELETE';
/** What a 200's `result` must be: a list, one object (with the fields named), or nothing (DELETE). */
type Shape = { kind: 'array' } | { kind: 'object'; required?: readonly string[] } | { kind: 'none' };
const OBJECT: Shape = { kind: 'object' };
type Reasoned = Failure & { reason: string; final?: boolean };

interface Attempt {
  response?: Response;
  text?: string;
  failure?: Reasoned;
}

/** The longest API error text passed on: a 1 MB error would make a job summary the runner drops. */
const MAX_ERROR_TEXT = 1_000;

/** The ClickHouse Cloud API over node-fetch: basic auth, JSON envelopes, deadlines, retries and rate-limit pacing. */
export class ApiClient {
  private readonly sleep: (ms: number) => Promise<void>;
  private readonly pacer: RateLimitPacer;

  constructor(private readonly config: ClientConfig) {
    this.sleep = config.sleep ?? ((ms) => config.cancellation?.sleep(ms) ?? new Promise<void>((resolve) => setTimeout(resolve, ms)));
    this.pacer = new RateLimitPacer(config.rateLimitWaitMs, config.role, config.random);
  }

  /** The rate limit as this step last saw it, for its post step. */
  rateLimitHandover(): PacerHandover | undefined {
    return this.pacer.handover();
  }

  /** A pause between requests (a poll's interval) that a cancellation ends early. */
  pause(ms: number): Promise<void> {
    return this.sleep(ms);
  }

  /**
   * A GET of one object. `required` names optional fields the caller cannot do without: an answer
   * without one is unreadable (retried, then a failure naming it), never read as an empty value.
   */
  get<T>(path: string, required: readonly (keyof T & string)[] = []): Promise<ApiResponse<T>> {
    return this.request<T>('GET', path, { kind: 'object', required });
  }

  /** A GET whose result is a list: an answer without one is unreadable, never an empty list. */
  list<T>(path: string, check?: ResultCheck<T[]>): Promise<ApiResponse<T[]>> {
    return this.request<T[]>('GET', path, { kind: 'array' }, { check });
  }

  delete(path: string): Promise<ApiResponse<undefined>> {
    return this.request<undefined>('DELETE', path, { kind: 'none' });
  }

  post<T>(path: string, body: unknown, onAmbiguous?: AmbiguousHandler<T>, check?: ResultCheck<T>): Promise<ApiResponse<T>> {
    return this.request<T>('POST', path, OBJECT, { body, onAmbiguous, check });
  }

  /**
   * A change. Without a handler it must be safe to send again (a removal, a state command), so it
   * is retried like a read; with one, a try that may have committed is settled like a create's.
   */
  patch<T>(path: string, body: unknown, onAmbiguous?: AmbiguousHandler<T>): Promise<ApiResponse<T>> {
    return this.request<T>('PATCH', path, OBJECT, { body, onAmbiguous });
  }

  private async request<T>(
    method: Method,
    path: string,
    shape: Shape,
    { body, onAmbiguous, check }: { body?: unknown; onAmbiguous?: AmbiguousHandler<T>; check?: ResultCheck<T> } = {},
  ): Promise<ApiResponse<T>> {
    const { maxAttempts, log } = this.config;
    // Whether an earlier try of this request may have been carried out, for a cancellation to tell.
    let triedMaybe = false;
    for (let attempt = 1; ;) {
      await this.paced(method, path, !triedMaybe);
      const outcome = await this.send(method, path, body);
      let failure = outcome.failure;
      if (outcome.response?.ok) {
        const read = readEnvelope<T>(outcome.response, outcome.text ?? '', shape, method, check);
        if ('result' in read) return read;
        failure = { status: outcome.response.status, maybeProcessed: true, reason: read.unreadable };
      }
      failure ??= failureOf(outcome.response as Response);
      if (failure.status === 429) {
        // Refused before any work, and not a fault of the request: a wait, not a try.
        this.pacer.refused(failure.headers);
        continue;
      }
      triedMaybe ||= mayHaveCommitted(failure);
      const error = this.errorOf(method, path, failure, outcome.text, attempt);
      if (failure.final || !isTransient(failure)) throw error;
      // A POST is never re-sent blindly; another change only when its caller says it must not be.
      const ambiguous = (method === 'POST' || onAmbiguous !== undefined) && mayHaveCommitted(failure);
      const exhausted = attempt >= maxAttempts;
      if ((ambiguous && !onAmbiguous) || (exhausted && !ambiguous)) throw error;
      const wait = retryDelayMs(failure, attempt, this.config.random);
      const next = ambiguous ? 'it may have been carried out, so the step checks' : 'retrying';
      log(`Attempt ${attempt}/${maxAttempts} of ${method} ${path} failed (${failure.reason}); ${next} in ${(wait / 1000).toFixed(1)} s.`);
      await this.sleep(wait);
      // Even after the last attempt: a create that did happen must be found (or undone), not forgotten.
      if (ambiguous && onAmbiguous) {
        const found = await onAmbiguous(error);
        if (found !== 'retry') return found;
        if (exhausted) throw error;
      }
      attempt += 1;
    }
  }

  /** Waits for the rate-limit window when it is known to be used up; refuses to start once cancelled. */
  private async paced(method: Method, path: string, nothingSent: boolean): Promise<void> {
    this.stopIfCancelled(method, path, nothingSent);
    const wait = this.pacer.delay();
    if (wait === 0) return;
    this.config.log(`Rate limit reached; waiting ${(wait / 1000).toFixed(1)} s before ${method} ${path}.`);
    await this.sleep(wait);
    this.stopIfCancelled(method, path, nothingSent);
  }

  private stopIfCancelled(method: Method, path: string, nothingSent: boolean): void {
    const signal = this.config.cancellation?.cancelled;
    if (signal) throw new CancelledError(signal, `${method} ${path} was sent`, nothingSent);
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
      this.pacer.note(response.headers);
      const text = await response.text();
      return { response, text };
    } catch (error) {
      return { failure: networkFailure(error, timeoutMs, baseUrl) };
    } finally {
      clearTimeout(timer);
    }
  }

  private errorOf(method: Method, path: string, failure: Reasoned, text: string | undefined, attempts: number): ApiError {
    const maybe = mayHaveCommitted(failure);
    if (failure.status < 300) return new ApiError(method, path, failure.status, failure.reason, undefined, attempts, maybe);
    if (failure.status < 400) {
      const location = failure.headers?.get('location') ?? 'elsewhere';
      // Whoever redirects a change may have carried it out first: a lost answer, never a refusal.
      const change = method !== 'GET';
      return new ApiError(
        method,
        path,
        failure.status,
        `a redirect to ${location}, which the action does not follow (check api-url)${change ? '; the request may have been carried out' : ''}`,
        undefined,
        attempts,
        change,
      );
    }
    const envelope = parseJson(text ?? '');
    const apiError = typeof envelope?.error === 'string' ? envelope.error : (text ?? '') || 'no error text';
    const requestId = typeof envelope?.requestId === 'string' ? envelope.requestId : undefined;
    return new ApiError(method, path, failure.status, errorText(apiError), requestId, attempts, maybe);
  }
}

/** The API's error text as it may be passed on: credentials scrubbed, at most MAX_ERROR_TEXT characters. */
function errorText(text: string): string {
  const clean = scrub(text);
  return clean.length <= MAX_ERROR_TEXT ? clean : `${clean.slice(0, MAX_ERROR_TEXT - 1)}…`;
}

/**
 * A 200's envelope, or why it cannot be read. An HTML page from a proxy, a cut-short body or an
 * envelope without its result is never an empty result: the caller retries a read, and treats a
 * create as one that may have committed.
 */
function readEnvelope<T>(
  response: Response,
  text: string,
  shape: Shape,
  method: Method,
  check?: ResultCheck<T>,
): ApiResponse<T> | { unreadable: string } {
  const envelope = parseJson(text);
  const result = envelope?.result;
  const isObject = typeof result === 'object' && result !== null && !Array.isArray(result);
  const fields = isObject ? (result as Record<string, unknown>) : {};
  const missing =
    shape.kind === 'object' ? shape.required?.find((field) => fields[field] === undefined || fields[field] === null) : undefined;
  const problem = !envelope
    ? `not JSON${describeBody(response, text, method)}`
    : shape.kind === 'array' && !Array.isArray(result)
      ? 'no list in its result'
      : shape.kind === 'object' && !isObject
        ? 'no object in its result'
        : missing !== undefined
          ? `no ${missing} in its result`
          : envelope.nextCursor !== undefined && envelope.nextCursor !== null && typeof envelope.nextCursor !== 'string'
            ? 'a nextCursor that is not a string'
            : check?.(result as T);
  if (problem) return { unreadable: `an answer that cannot be read: ${problem}` };
  const requestId = typeof envelope?.requestId === 'string' ? envelope.requestId : undefined;
  const page = shape.kind === 'array' && envelope?.nextCursor !== undefined ? { nextCursor: envelope.nextCursor as string | null } : {};
  return { httpStatus: response.status, requestId, result: (shape.kind === 'none' ? undefined : result) as T, ...page };
}

/** The answer's type and, for a read only, how it starts: a cut-short answer to a create may hold a secret. */
function describeBody(response: Response, text: string, method: Method): string {
  const type = response.headers.get('content-type') ?? 'no content type';
  if (method !== 'GET') return ` (${type}, ${text.length} characters)`;
  const start = text.replace(/\s+/g, ' ').trim().slice(0, 60);
  return ` (${type}${start ? `, starting ${JSON.stringify(start)}` : ', empty'})`;
}

function failureOf(response: Response): Reasoned {
  return { status: response.status, maybeProcessed: true, headers: response.headers, reason: `HTTP ${response.status}` };
}

function parseJson(text: string): Record<string, unknown> | undefined {
  try {
    const value: unknown = JSON.parse(text);
    return typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Record<string, unknown>) : undefined;
  } catch {
    return undefined;
  }
}

// Errors raised before any byte left: the server cannot have seen the request.
const NOT_SENT = new Set(['ECONNREFUSED', 'ENOTFOUND', 'EAI_AGAIN', 'EHOSTUNREACH', 'ENETUNREACH']);
// A refused TLS handshake (untrusted, expired or mismatched certificate, or not TLS at all): the
// request was never sent, and trying again cannot change the certificate.
const TLS_REFUSED = /CERT|SELF_SIGNED|UNABLE_TO_VERIFY|HOSTNAME_MISMATCH|^ERR_TLS_|^ERR_SSL_/;

function networkFailure(error: unknown, timeoutMs: number, baseUrl: URL): Reasoned {
  const err = error as { name?: string; code?: string; message?: string };
  if (err.name === 'AbortError') {
    return { status: 0, maybeProcessed: true, reason: `no answer within ${timeoutMs / 1000} s` };
  }
  const code = err.code ?? 'network error';
  if (TLS_REFUSED.test(code)) {
    const why = /reason: (.*)$/.exec(err.message ?? '')?.[1] ?? code;
    return {
      status: 0,
      maybeProcessed: false,
      final: true,
      reason: `the TLS handshake with ${baseUrl.origin} was refused (${code}: ${why}); the request was not sent. Check api-url, and the runner's proxy and CA settings (NODE_EXTRA_CA_CERTS)`,
    };
  }
  // On this machine only the local emulator answers: say how to start it.
  const hint =
    code === 'ECONNREFUSED' && isLoopbackHost(baseUrl.hostname)
      ? ` (nothing listens at ${baseUrl.origin}; to run against the local emulator, start it first with npm run emulator)`
      : '';
  return { status: 0, maybeProcessed: !NOT_SENT.has(code), reason: `${code}${hint}` };
}
