import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:https';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runStep } from '../emulator/runner.js';
import {
  apiRequests,
  errorLines,
  expectLostKeyReplacedThenRevoked,
  expectUnsettledKeyDeletedByPost,
  keysNamed,
  reverseEndpointInputs,
  stepInputs,
  useEmulator,
} from './helpers/emulator.js';

const emulator = useEmulator();
const PROXY_PAGE = '<!DOCTYPE html><html><head><title>Sign in to the proxy</title></head><body>Log in</body></html>';

describe('an answer that cannot be read is never an empty result', () => {
  const old = () => new Date(Date.now() - 48 * 3_600_000).toISOString();

  test.each([
    ['a 200 without the envelope', { status: 200 }],
    ["a proxy's HTML page", PROXY_PAGE],
    ['a result that is not a list', { status: 200, requestId: 'r', result: { keys: [] } }],
  ])('prune-keys, %s on every try: the step fails naming it and reports no count', async (_what, body) => {
    const stale = emulator().seedKey({ name: 'gha-stale-unread', createdAt: old() });
    emulator().addFault({ method: 'GET', times: 2, fault: { kind: 'status', status: 200, body } });
    const step = await runStep(stepInputs(emulator(), { operation: 'prune-keys', 'max-attempts': '2' }));
    expect(step.exitCode).toBe(1);
    expect(errorLines(step.stdout)).toEqual([
      expect.stringMatching(
        /^::error::ClickHouse Cloud API answered HTTP 200 to GET \/v1\/.*\/keys after 2 attempts: an answer that cannot be read/,
      ),
    ]);
    expect(step.outputs.count).toBeUndefined();
    expect(apiRequests(emulator()).filter((r) => r.method === 'DELETE')).toEqual([]);
    expect(
      emulator()
        .keys()
        .map((k) => k.id),
    ).toContain(stale.id);
  });

  test('prune-keys, one unreadable answer: retried, then every stale key is deleted', async () => {
    const stale = emulator().seedKey({ name: 'gha-stale-retried', createdAt: old() });
    emulator().addFault({ method: 'GET', fault: { kind: 'status', status: 200, body: PROXY_PAGE } });
    const step = await runStep(stepInputs(emulator(), { operation: 'prune-keys' }));
    expect(step.exitCode).toBe(0);
    expect(JSON.parse(step.outputs.deleted ?? '[]')).toContain(stale.id);
    expect(step.stdout).toMatch(/Attempt 1\/5 of GET .* failed \(an answer that cannot be read: not JSON/);
  });

  test("create-reverse-private-endpoint: an unreadable list before the create is retried, so no earlier run's endpoint is taken for the step's", async () => {
    const inputs = reverseEndpointInputs(emulator(), { description: 'same request twice' });
    const earlier = await runStep(inputs);
    expect(earlier.exitCode).toBe(0);
    emulator().addFault({ method: 'GET', fault: { kind: 'status', status: 200, body: { status: 200 } } });
    emulator().addFault({ method: 'POST', fault: { kind: 'drop-after-commit' } });
    const main = await runStep(inputs);
    expect(main.exitCode).toBe(0);
    expect(main.outputs.id).not.toBe(earlier.outputs.id);
    const post = await runStep(inputs, { state: main.state });
    expect(post.exitCode).toBe(0);
    const ids = emulator()
      .reversePrivateEndpoints()
      .map((e) => e.id);
    expect(ids).toEqual(expect.arrayContaining([earlier.outputs.id, main.outputs.id]));
  });
});

describe('a create whose answer cannot be read may have committed', () => {
  test.each(['html', 'truncated', 'no-envelope', 'not-json'] as const)(
    'create-key, a 200 answered as %s: the key made is deleted, a fresh one made, and the post step revokes it',
    async (as) => {
      emulator().addFault({ method: 'POST', fault: { kind: 'garble', as } });
      await expectLostKeyReplacedThenRevoked(emulator());
    },
  );

  test('create-key with local-secret: the key found is the result', async () => {
    emulator().addFault({ method: 'POST', fault: { kind: 'garble', as: 'html' } });
    const main = await runStep(stepInputs(emulator(), { operation: 'create-key', 'local-secret': 'true' }));
    expect(main.exitCode).toBe(0);
    expect(main.stdout).toContain('the step knows its secret and uses it');
    expect(keysNamed(emulator(), main.outputs.name)).toHaveLength(1);
  });

  test('the answer lost and the look-up failing too: the step fails, and the post step deletes the key it recorded', async () => {
    emulator().addFault({ method: 'POST', fault: { kind: 'drop-after-commit' } });
    emulator().addFault({ method: 'GET', times: 2, fault: { kind: 'status', status: 503 } });
    await expectUnsettledKeyDeletedByPost(emulator());
  });

  test('create-reverse-private-endpoint answered as HTML: the endpoint made is found and kept, nothing else taken for it', async () => {
    emulator().addFault({ method: 'POST', fault: { kind: 'garble', as: 'html' } });
    const main = await runStep(reverseEndpointInputs(emulator(), { description: 'garbled answer' }));
    expect(main.exitCode).toBe(0);
    const made = emulator()
      .reversePrivateEndpoints()
      .filter((e) => e.description?.startsWith('garbled answer ['));
    expect(made.map((e) => e.id)).toEqual([main.outputs.id]);
  });
});

describe('the API error text', () => {
  test('a 1 MB error is cut to 1,000 characters before the log line and the summary', async () => {
    const huge = `BAD_REQUEST: ${'x'.repeat(1_000_000)}`;
    emulator().addFault({ method: 'POST', fault: { kind: 'status', status: 400, body: { status: 400, error: huge } } });
    const step = await runStep(stepInputs(emulator(), { operation: 'create-key' }));
    expect(step.exitCode).toBe(1);
    const [line] = errorLines(step.stdout);
    expect(line).toMatch(/BAD_REQUEST: x+…/);
    expect(line?.length).toBeLessThan(1_200);
    expect(step.summary.length).toBeLessThan(3_000);
  });

  test('credentials echoed by the API become *** in the log, the summary and the outputs', async () => {
    const { keyId, secret } = emulator().adminKey;
    const echo = `UNAUTHORIZED: Key ${keyId} with secret ${secret} (Basic ${Buffer.from(`${keyId}:${secret}`).toString('base64')}) is not found`;
    emulator().addFault({ method: 'POST', fault: { kind: 'status', status: 401, body: { status: 401, error: echo } } });
    const step = await runStep(stepInputs(emulator(), { operation: 'create-key' }));
    expect(step.exitCode).toBe(1);
    // The runner reads (and drops) the ::add-mask:: lines that hide the secret: they are the masking itself.
    for (const text of [step.allText.replace(/^::add-mask::.*$/gm, ''), JSON.stringify(step.outputs)]) {
      expect(text).not.toContain(keyId);
      expect(text).not.toContain(secret);
    }
    expect(errorLines(step.stdout)).toEqual([
      expect.stringMatching(/UNAUTHORIZED: Key \*\*\* with secret \*\*\* \(Basic \*\*\*\) is not found/),
    ]);
    expect(step.summary).toContain('UNAUTHORIZED: Key *** with secret ***');
  });
});

describe('a refused TLS handshake', () => {
  let dir: string;
  let server: Server;
  let connections = 0;
  let requests = 0;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'cc-tls-'));
    execFileSync(
      'openssl',
      [
        'req',
        '-x509',
        '-newkey',
        'rsa:2048',
        '-nodes',
        '-days',
        '1',
        '-subj',
        '/CN=127.0.0.1',
        '-keyout',
        join(dir, 'key.pem'),
        '-out',
        join(dir, 'cert.pem'),
      ],
      { stdio: 'ignore' },
    );
    server = createServer({ key: readFileSync(join(dir, 'key.pem')), cert: readFileSync(join(dir, 'cert.pem')) }, (_req, res) => {
      requests += 1;
      res.end('{}');
    });
    server.on('connection', () => (connections += 1));
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  });
  afterAll(async () => {
    await new Promise<void>((resolve) => server.close(() => resolve()));
    rmSync(dir, { recursive: true, force: true });
  });

  test('is a final error naming the URL and the certificate problem; nothing is sent or retried', async () => {
    const url = `https://127.0.0.1:${(server.address() as AddressInfo).port}`;
    const step = await runStep(stepInputs(emulator(), { operation: 'create-key', 'api-url': url }));
    expect(step.exitCode).toBe(1);
    expect(errorLines(step.stdout)).toEqual([
      expect.stringMatching(
        new RegExp(
          `^::error::.*the TLS handshake with ${url.replace(/\./g, '\\.')} was refused \\(DEPTH_ZERO_SELF_SIGNED_CERT: self[- ]signed certificate\\); the request was not sent`,
        ),
      ),
    ]);
    expect(step.stdout).not.toMatch(/Attempt \d/);
    expect({ connections, requests }).toEqual({ connections: 1, requests: 0 });
    expect(step.state.refused).toBe('true');
  });
});

describe('nothing listening at a loopback api-url', () => {
  test('the error says to start the local emulator', async () => {
    const step = await runStep(
      stepInputs(emulator(), {
        operation: 'delete-key',
        key: emulator().adminKey.id,
        'api-url': 'http://127.0.0.1:9',
        'max-attempts': '1',
      }),
    );
    expect(step.exitCode).toBe(1);
    expect(errorLines(step.stdout)).toEqual([
      expect.stringMatching(
        /could not be reached .*ECONNREFUSED \(nothing listens at http:\/\/127\.0\.0\.1:9; .*start it first with npm run emulator\)/,
      ),
    ]);
  });
});
