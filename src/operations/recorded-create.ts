import type { AmbiguousHandler, ApiResponse } from '../api/client.js';
import { ApiError } from '../api/errors.js';
import { CancelledError } from '../cancel.js';
import type { Intent, Journal } from '../journal.js';

interface RecordedCreate<T> {
  response: ApiResponse<T>;
  /** A try may have committed without an answer, so copies may exist beside the one kept. */
  ambiguous: boolean;
}

/** Cancelled before any try that could have been carried out: the change was never made. */
const neverSent = (error: unknown): boolean => error instanceof CancelledError && error.nothingCarriedOut;
/** An answer that refuses the request outright: the API did not carry it out. */
const refusedOutright = (error: unknown): error is ApiError => error instanceof ApiError && !error.maybeCarriedOut;

/**
 * A create under the journal: the intent is on disk before the first try, the resource's ID as
 * soon as an answer names it, and a refusal that proves nothing was made is noted so the post
 * step does not go looking.
 */
export async function recordedCreate<T>(
  journal: Journal,
  intent: Intent,
  send: (onAmbiguous: AmbiguousHandler<T>) => Promise<ApiResponse<T>>,
  recover: AmbiguousHandler<T>,
  idOf: (result: T | undefined) => string | undefined,
): Promise<RecordedCreate<T>> {
  journal.begin(intent);
  let ambiguous = false;
  let response: ApiResponse<T>;
  try {
    response = await send((error) => {
      if (!ambiguous) journal.ambiguous();
      ambiguous = true;
      return recover(error);
    });
  } catch (error) {
    // Only an answer that proves nothing was made is a refusal; a final error that may have
    // committed (a redirect after the change) leaves the post step to look for what it made.
    if (!ambiguous && error instanceof ApiError) {
      if (error.maybeCarriedOut) journal.ambiguous();
      else journal.refused();
    }
    if (!ambiguous && neverSent(error)) journal.refused();
    throw error;
  }
  const id = idOf(response.result);
  if (id) journal.created(id);
  return { response, ambiguous };
}

/**
 * A change that is safe to send again (the client retries it like a read) under the journal:
 * `id` is recorded once the API accepted it. Only a refusal of its one try proves it was not
 * carried out (an earlier try may have been); the post step never undoes a refused change.
 */
export async function recordedChange<T>(
  journal: Journal,
  intent: Intent,
  send: () => Promise<ApiResponse<T>>,
  id: string,
): Promise<ApiResponse<T>> {
  journal.begin(intent);
  let response: ApiResponse<T>;
  try {
    response = await send();
  } catch (error) {
    if ((refusedOutright(error) && error.attempts === 1) || neverSent(error)) journal.refused();
    throw error;
  }
  journal.created(id);
  return response;
}
