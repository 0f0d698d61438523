import { describe, expect, test } from '@jest/globals';
import type { ApiClient } from '../src/api/client.js';
import type { ApiKey } from '../src/api/types.js';
import { matchingKeys, settleCopies } from '../src/operations/key-recovery.js';

const SENT = Date.parse('2026-11-26T12:00:00Z');
const key = (id: string, name: string, createdAt: string, keySuffix = 'abcd'): ApiKey => ({ id, name, createdAt, keySuffix });

/** A client that lists `keys` and records what it is asked to delete. */
function fakeClient(keys: ApiKey[]) {
  const deleted: string[] = [];
  const client = {
    list: async () => ({ httpStatus: 200, result: keys }),
    delete: async (path: string) => {
      deleted.push(path.split('/').pop() ?? '');
      return { httpStatus: 200, result: undefined };
    },
  } as unknown as ApiClient;
  return { client, deleted };
}

describe("telling the step's keys from others", () => {
  test('matches the name, a creation since the first try (less clock skew), and the local suffix', () => {
    const keys = [
      key('a', 'gha-x', '2026-11-26T12:00:01Z'),
      key('b', 'gha-x', '2026-11-26T11:59:00Z'), // within the 2-minute skew
      key('c', 'gha-x', '2026-11-26T11:00:00Z'), // long before the first try
      key('d', 'other', '2026-11-26T12:00:01Z'),
      key('e', 'gha-x', '2026-11-26T12:00:01Z', 'wxyz'),
    ];
    expect(matchingKeys(keys, { name: 'gha-x', sentAt: SENT, nameIsGenerated: false }).map((k) => k.id)).toEqual(['a', 'b', 'e']);
    expect(matchingKeys(keys, { name: 'gha-x', sentAt: SENT, nameIsGenerated: false, localSuffix: 'wxyz' }).map((k) => k.id)).toEqual([
      'e',
    ]);
  });

  test("a generated name or a local suffix proves a key whatever the API's clock wrote into createdAt", () => {
    const keys = [key('a', 'gha-x', '2026-11-26T11:00:00Z'), key('b', 'gha-x', '2026-11-26T11:00:00Z', 'wxyz')];
    expect(matchingKeys(keys, { name: 'gha-x', sentAt: SENT, nameIsGenerated: true }).map((k) => k.id)).toEqual(['a', 'b']);
    expect(matchingKeys(keys, { name: 'gha-x', sentAt: SENT, nameIsGenerated: false, localSuffix: 'wxyz' }).map((k) => k.id)).toEqual([
      'b',
    ]);
  });
});

describe('late copies after a recovered creation', () => {
  const KEPT = '00000000-0000-4000-8000-00000000000a';
  const COPY = '00000000-0000-4000-8000-00000000000b';
  const keys = [key(KEPT, 'name', '2026-11-26T12:00:02Z'), key(COPY, 'name', '2026-11-26T12:00:03Z')];
  const context = (client: ApiClient, nameIsGenerated: boolean, lines: string[]) => ({
    client,
    organizationId: '00000000-0000-4000-8000-000000000001',
    name: 'name',
    nameIsGenerated,
    sentAt: SENT,
    log: (line: string) => lines.push(`log: ${line}`),
    warn: (line: string) => lines.push(`warn: ${line}`),
  });

  test('a copy under a generated name is deleted', async () => {
    const { client, deleted } = fakeClient(keys);
    const lines: string[] = [];
    await settleCopies(context(client, true, lines), KEPT);
    expect(deleted).toEqual([COPY]);
    expect(lines).toEqual([`log: Deleted late copies of this step's key: ${COPY}.`]);
  });

  test('a copy under a name the user chose is named in a warning, never deleted', async () => {
    const { client, deleted } = fakeClient(keys);
    const lines: string[] = [];
    await settleCopies(context(client, false, lines), KEPT);
    expect(deleted).toEqual([]);
    expect(lines).toEqual([expect.stringMatching(/^warn: Key\(s\) \S+ named "name" appeared while this step retried; .* not deleted\.$/)]);
  });

  test('a failing check is a warning, not a failed step', async () => {
    const client = { list: async () => Promise.reject(new Error('HTTP 503')) } as unknown as ApiClient;
    const lines: string[] = [];
    await settleCopies(context(client, true, lines), KEPT);
    expect(lines).toEqual(["warn: Could not check for late copies of this step's key: HTTP 503"]);
  });
});
