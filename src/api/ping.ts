import fetch from 'node-fetch';
import { mask } from '../secrets.js';
import { proxyAgent } from './proxy.js';
import { isLoopbackHost } from './secure-url.js';
import { intervals } from '../intervals.js';

/** The service's `/ping` URL: https, except http to a loopback host (a local emulator has no certificate). */
export function pingUrl(host: string, port: number): URL {
  const bracketed = host.includes(':') && !host.startsWith('[') ? `[${host}]` : host;
  return new URL(`${isLoopbackHost(bracketed) ? 'http' : 'https'}://${bracketed}:${port}/ping`);
}

/**
 * Whether the service answers HTTP traffic: ClickHouse answers `GET /ping` with `Ok.` without
 * credentials once it takes queries. No credentials are sent; anything else is why not.
 */
export async function ping(url: URL): Promise<{ ok: true } | { ok: false; problem: string }> {
  const controller = new AbortController();
  const timer = setTimeout(() => controller.abort(), intervals.pingTimeoutMs);
  try {
    const response = await fetch(url.href, { signal: controller.signal, agent: await proxyAgent(url, mask) });
    const text = (await response.text()).trim();
    if (response.ok && text === 'Ok.') return { ok: true };
    return { ok: false, problem: `HTTP ${response.status}${text ? ` ${JSON.stringify(text.slice(0, 60))}` : ''}` };
  } catch (error) {
    const err = error as { name?: string; code?: string; message?: string };
    return {
      ok: false,
      problem:
        err.name === 'AbortError' ? `no answer within ${intervals.pingTimeoutMs / 1000} s` : (err.code ?? err.message ?? 'network error'),
    };
  } finally {
    clearTimeout(timer);
  }
}
