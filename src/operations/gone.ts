import { ApiError } from '../api/errors.js';

/**
 * Whether a request failed because its resource does not exist. The live API answers 404; the
 * document lists only 400 for errors, so a 400 is settled by looking for the ID in its list.
 */
export async function isGone(error: unknown, id: string, listIds: () => Promise<Array<string | undefined>>): Promise<boolean> {
  if (!(error instanceof ApiError)) return false;
  if (error.status === 404) return true;
  return error.status === 400 && !(await listIds()).includes(id);
}
