import { afterAll, beforeAll, beforeEach, describe, expect, test } from '@jest/globals';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { ApiClient } from '../src/api/client.js';
import { ApiError } from '../src/api/errors.js';
import { Cancellation, CancelledError } from '../src/cancel.js';

type Reply = (req: IncomingMessage, res: ServerResponse) => void;
const json =
  (status: number, body: unknown, headers: Record<string, string> = {}): Reply =>
  (_req, res) => {
    res.writeHead(status, { 'Content-Type': 'application/json', ...headers });
    res.end(JSON.stringify(body));
  };

let server: Server;
let replies: Reply[] = [];
let seen: IncomingMessage[] = [];
let waits: number[] = [];
let logs: string[] = [];
let baseUrl: URL;

beforeAll(async () => {
  server = createServer((req, res) => {
    seen.push(req);
    const reply = replies.shift() ?? json(500, { status: 500, error: 'no reply queued' });
    reply(req, res);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  baseUrl = new URL(`http://127.0.0.1:${(server.address() as AddressInfo).port}`);
});
afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));
beforeEach(() => {
  replies = [];
  seen = [];
  waits = [];
  logs = [];
});

function client(overrides: Partial<ConstructorParameters<typeof ApiClient>[0]> = {}): ApiClient {
  return new ApiClient({
    baseUrl,
    authorization: 'Basic dGVzdDp0ZXN0',
    userAgent: 'clickhouse-cloud-action/test',
    timeoutMs: 2000,
    maxAttempts: 3,
    rateLimitWaitMs: 600_000,
    log: (line) => logs.push(line),
    sleep: async (ms) => void waits.push(ms),
    ...overrides,
  });
}

const ok = json(200, { status: 200, requestId: 'f5a4b1c2-0000-4000-8000-000000000001', result: { id: 1 } });

describe('ApiClient', () => {
  test('sends basic auth, the User-Agent and JSON, and unwraps the envelope', async () => {
    replies = [ok];
    const response = await client().post<{ id: number }>('/v1/thing', { a: 1 });
    expect(response).toEqual({ httpStatus: 200, requestId: 'f5a4b1c2-0000-4000-8000-000000000001', result: { id: 1 } });
    expect(seen[0]?.headers).toMatchObject({
      authorization: 'Basic dGVzdDp0ZXN0',
      'user-agent': 'clickhouse-cloud-action/test',
      'content-type': 'application/json',
    });
  });

  test('a GET is retried after a 503, logging the reason and the wait once', async () => {
    replies = [json(503, { status: 503, error: 'SERVICE_UNAVAILABLE' }), ok];
    await expect(client().get('/v1/thing')).resolves.toMatchObject({ httpStatus: 200 });
    expect(seen).toHaveLength(2);
    expect(logs).toEqual([expect.stringMatching(/^Attempt 1\/3 of GET \/v1\/thing failed \(HTTP 503\); retrying in \d\.\d s\.$/)]);
  });

  test('a POST that may have been carried out is not re-sent blindly', async () => {
    replies = [json(502, { status: 502, error: 'BAD_GATEWAY' }), ok];
    await expect(client().post('/v1/thing', {})).rejects.toMatchObject({ status: 502, apiError: 'BAD_GATEWAY' });
    expect(seen).toHaveLength(1);
  });

  test('an ambiguous POST asks the operation, which can settle it with what it found', async () => {
    replies = [json(500, { status: 500, error: 'INTERNAL' })];
    const found = { httpStatus: 200, requestId: 'r', result: { id: 7 } };
    await expect(client().post('/v1/thing', {}, async () => found)).resolves.toBe(found);
    expect(seen).toHaveLength(1);
  });

  test("a 429 waits out the window and the next one (a main step's first refusal), then retries", async () => {
    replies = [json(429, { error: 'TOO_MANY_REQUESTS' }, { 'X-RateLimit-Reset': '2.5', 'X-RateLimit-Remaining': '0' }), ok];
    await expect(client({ random: () => 0 }).post('/v1/thing', {})).resolves.toMatchObject({ httpStatus: 200 });
    // 2.5 s left, the next window of 10 s (the API's default), and a main step's earliest return after an opening,
    // less the moments between reading the answer and waiting.
    expect(waits).toEqual([expect.any(Number)]);
    expect(waits[0]).toBeLessThanOrEqual(12_800);
    expect(waits[0]).toBeGreaterThan(12_700);
  });

  test('a used-up window makes the next request wait instead of earning a 429', async () => {
    replies = [json(200, { status: 200, requestId: 'r', result: {} }, { 'X-RateLimit-Remaining': '0', 'X-RateLimit-Reset': '4' }), ok];
    const c = client();
    await c.get('/v1/a');
    await c.get('/v1/b');
    expect(waits).toHaveLength(1);
    expect(waits[0]).toBeGreaterThan(3000);
  });

  test.each([400, 401, 403, 404])('HTTP %d is final, with the API error text and request id', async (status) => {
    replies = [json(status, { status, error: 'BAD_REQUEST: nope', requestId: 'abc' })];
    const error = (await client()
      .get('/v1/thing')
      .catch((e: unknown) => e)) as ApiError;
    expect(error).toBeInstanceOf(ApiError);
    expect(error.message).toBe(`ClickHouse Cloud API answered HTTP ${status} to GET /v1/thing: BAD_REQUEST: nope (request id abc)`);
    expect(seen).toHaveLength(1);
  });

  test('after the last attempt the error says how many were made', async () => {
    replies = [0, 1, 2].map(() => json(500, { status: 500, error: 'INTERNAL_ERROR' }));
    await expect(client().get('/v1/thing')).rejects.toThrow(
      'ClickHouse Cloud API answered HTTP 500 to GET /v1/thing after 3 attempts: INTERNAL_ERROR',
    );
    expect(seen).toHaveLength(3);
    expect(waits).toHaveLength(2);
  });

  test('a slow answer hits the deadline', async () => {
    replies = [(_req, res) => setTimeout(() => ok(_req, res), 500)];
    await expect(client({ timeoutMs: 100, maxAttempts: 1 }).get('/v1/slow')).rejects.toThrow(
      'ClickHouse Cloud API could not be reached to GET /v1/slow: no answer within 0.1 s',
    );
  });

  test('an API base URL with a path keeps it as a prefix', async () => {
    replies = [ok];
    await client({ baseUrl: new URL('/gateway/', baseUrl) }).get('/v1/x');
    expect(seen[0]?.url).toBe('/gateway/v1/x');
  });
});

describe('what the server may say', () => {
  test('a redirect is final and never followed', async () => {
    replies = [(_req, res) => res.writeHead(302, { Location: 'https://elsewhere.example/v1/thing' }).end()];
    await expect(client().get('/v1/thing')).rejects.toThrow(
      'ClickHouse Cloud API answered HTTP 302 to GET /v1/thing: a redirect to https://elsewhere.example/v1/thing, which the action does not follow (check api-url)',
    );
    expect(seen).toHaveLength(1);
  });

  test('a Retry-After of a day is capped at a minute', async () => {
    replies = [json(429, { error: 'TOO_MANY_REQUESTS' }, { 'Retry-After': '86400' }), ok];
    await client({ random: () => 0 }).get('/v1/thing');
    expect(waits).toEqual([expect.any(Number)]);
    // A minute, then the window skipped after a first refusal (10 s) and the return after its opening (0.3 s).
    expect(waits[0]).toBeLessThanOrEqual(70_300);
    // Less the moments between reading the answer and waiting (a loaded machine's few ms).
    expect(waits[0]).toBeGreaterThan(69_000);
  });

  test('an X-RateLimit-Reset given as an epoch time is read as that instant', async () => {
    const inThree = String(Math.floor(Date.now() / 1000) + 3);
    replies = [json(200, { status: 200, result: {} }, { 'X-RateLimit-Remaining': '0', 'X-RateLimit-Reset': inThree }), ok];
    const c = client({ random: () => 0 });
    await c.get('/v1/a');
    await c.get('/v1/b');
    expect(waits[0]).toBeGreaterThan(1000);
    // At most the window's 3 s and a main step's earliest return after its opening (0.3 s).
    expect(waits[0]).toBeLessThanOrEqual(3300);
  });
});

describe('a cancellation tells whether anything of the request can have been carried out', () => {
  const cancelledAfter = (tries: number) => {
    const cancellation = new Cancellation();
    let sent = 0;
    return {
      cancellation,
      sleep: async () => {
        sent += 1;
        if (sent >= tries) cancellation.cancel('SIGINT');
      },
    };
  };

  test('cancelled before the first try: nothing was carried out', async () => {
    const cancellation = new Cancellation();
    cancellation.cancel('SIGINT');
    const error = await client({ cancellation })
      .patch('/v1/x', {})
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(CancelledError);
    expect((error as CancelledError).nothingCarriedOut).toBe(true);
    expect(seen).toHaveLength(0);
  });

  test.each([
    ['a 429, refused before any work', json(429, { error: 'TOO_MANY_REQUESTS' }, { 'X-RateLimit-Reset': '0' }), true],
    ['a 503, which may have committed', json(503, { status: 503, error: 'busy' }), false],
  ])('cancelled in the wait after %s', async (_what, reply, nothingCarriedOut) => {
    replies = [reply];
    const { cancellation, sleep } = cancelledAfter(1);
    const error = await client({ cancellation, sleep })
      .patch('/v1/x', {})
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(CancelledError);
    expect((error as CancelledError).nothingCarriedOut).toBe(nothingCarriedOut);
    expect(seen).toHaveLength(1);
  });
});
