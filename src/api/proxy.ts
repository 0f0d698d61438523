import type { Agent } from 'node:http';
import { getProxyForUrl } from 'proxy-from-env';

/**
 * The agent that reaches `url` through the proxy self-hosted runners configure (HTTPS_PROXY,
 * HTTP_PROXY, NO_PROXY, upper or lower case), or undefined for a direct connection. Proxy
 * credentials in the URL are handed to `mask` before the agent exists.
 */
export async function proxyAgent(url: URL, mask: (secret: string) => void): Promise<Agent | undefined> {
  const proxy = getProxyForUrl(url);
  if (!proxy) return undefined;
  const proxyUrl = new URL(proxy);
  if (proxyUrl.password) {
    // The password as written, as decoded, and inside the Proxy-Authorization token the agent sends.
    const decoded = (part: string) => {
      try {
        return decodeURIComponent(part);
      } catch {
        return part;
      }
    };
    const user = decoded(proxyUrl.username);
    const password = decoded(proxyUrl.password);
    for (const secret of [proxyUrl.password, password, Buffer.from(`${user}:${password}`).toString('base64')]) mask(secret);
  }
  // Loaded only here: most runners have no proxy, and the agent (with its debug logger) costs start-up time.
  const { HttpsProxyAgent } = await import('https-proxy-agent');
  return new HttpsProxyAgent(proxyUrl);
}
