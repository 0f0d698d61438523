import { afterAll, beforeAll, beforeEach, describe, expect, test } from '@jest/globals';
import { createServer, type Server } from 'node:http';
import { connect, type AddressInfo } from 'node:net';
import { runStep } from '../emulator/runner.js';
import { apiRequests, stepInputs, useEmulator } from './helpers/emulator.js';

const emulator = useEmulator();

/** A forward proxy that only tunnels (CONNECT), as corporate proxies on self-hosted runners do. */
let proxy: Server;
let tunnels: Array<{ target: string; authorization?: string }> = [];
let proxyUrl = '';

beforeAll(async () => {
  proxy = createServer((_req, res) => res.writeHead(405).end());
  proxy.on('connect', (req, client, head) => {
    tunnels.push({ target: req.url ?? '', authorization: req.headers['proxy-authorization'] });
    const [host, port] = (req.url ?? '').split(':');
    const upstream = connect(Number(port), host, () => {
      client.write('HTTP/1.1 200 Connection Established\r\n\r\n');
      upstream.write(head);
      upstream.pipe(client).pipe(upstream);
    });
    upstream.on('error', () => client.destroy());
    client.on('error', () => upstream.destroy());
  });
  await new Promise<void>((resolve) => proxy.listen(0, '127.0.0.1', resolve));
  proxyUrl = `http://127.0.0.1:${(proxy.address() as AddressInfo).port}`;
});
afterAll(() => new Promise<void>((resolve) => proxy.close(() => resolve())));
beforeEach(() => {
  tunnels = [];
});

const createKey = () => stepInputs(emulator(), { operation: 'create-key', 'revoke-on-exit': 'false' });

describe('proxy', () => {
  test('requests go through the proxy the runner configures', async () => {
    const step = await runStep(createKey(), { env: { http_proxy: proxyUrl, HTTPS_PROXY: proxyUrl } });
    expect(step.exitCode).toBe(0);
    const emulatorHost = new URL(emulator().url).host;
    expect(tunnels.map((t) => t.target)).toEqual([emulatorHost]);
    expect(apiRequests(emulator())).toHaveLength(1);
  });

  test('NO_PROXY bypasses it', async () => {
    const step = await runStep(createKey(), { env: { HTTP_PROXY: proxyUrl, NO_PROXY: '127.0.0.1' } });
    expect(step.exitCode).toBe(0);
    expect(tunnels).toEqual([]);
    expect(apiRequests(emulator())).toHaveLength(1);
  });

  test('proxy credentials are sent to the proxy and masked in the log', async () => {
    const withAuth = proxyUrl.replace('http://', 'http://ci-user:pr0xy%2Bsecret@');
    const step = await runStep(createKey(), { env: { http_proxy: withAuth, RUNNER_DEBUG: '1' } });
    expect(step.exitCode).toBe(0);
    expect(tunnels[0]?.authorization).toBe(`Basic ${Buffer.from('ci-user:pr0xy+secret').toString('base64')}`);
    const token = Buffer.from('ci-user:pr0xy+secret').toString('base64');
    for (const secret of ['pr0xy+secret', 'pr0xy%2Bsecret', token]) {
      // The workflow command escapes % as %25; the runner reads it back.
      expect(step.stdout).toContain(`::add-mask::${secret.replace(/%/g, '%25')}`);
      expect(step.allText.split('\n').filter((line) => line.includes(secret) && !line.startsWith('::add-mask::'))).toEqual([]);
    }
  });
});
