import type { ApiClient, ApiResponse } from '../api/client.js';
import { keysPath } from '../api/paths.js';
import type { ApiKey } from '../api/types.js';
import { idProblem } from '../uuid.js';

/**
 * Every key of the organization, page by page: GET /keys answers at most 250 keys and a
 * `nextCursor` to pass back until it is null. An older server's answer has no cursor and is the
 * whole list. A cursor the API gave before would loop forever, so it stops the listing.
 */
export async function listKeys(client: ApiClient, organizationId: string): Promise<ApiResponse<ApiKey[]>> {
  const path = keysPath(organizationId);
  const seen = new Set<string>();
  const keys: ApiKey[] = [];
  for (let cursor: string | undefined; ;) {
    const page = await client.list<ApiKey>(cursor === undefined ? path : `${path}?cursor=${encodeURIComponent(cursor)}`, (listed) =>
      idProblem(
        'key',
        listed.map((key) => key.id),
      ),
    );
    keys.push(...page.result);
    if (typeof page.nextCursor !== 'string') return { ...page, result: keys };
    if (seen.has(page.nextCursor)) {
      throw new Error(
        `The API gave the same page cursor twice while listing the organization's keys (after ${keys.length} keys); the listing stopped rather than loop.`,
      );
    }
    seen.add(page.nextCursor);
    cursor = page.nextCursor;
  }
}
