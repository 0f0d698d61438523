import type { Agent } from 'node:http';
import { HttpsProxyAgent } from 'https-proxy-agent';
import { getProxyForUrl } from 'proxy-from-env';

/**
 * The agent that reaches `url` through the proxy self-hosted runners configure (HTTPS_PROXY,
 * HTTP_PROXY, NO_PROXY, upper or lower case), or undefined for a direct connection. Proxy
 * credentials in the URL are handed to `mask` before the agent exists.
 */
export function proxyAgent(url: URL, mask: (secret: string) => void): Agent | undefined {
  const proxy = getProxyForUrl(url);
  if (!proxy) return undefined;
  const proxyUrl = new URL(proxy);
  if (proxyUrl.password) mask(decodeURIComponent(proxyUrl.password));
  return new HttpsProxyAgent(proxyUrl);
}
