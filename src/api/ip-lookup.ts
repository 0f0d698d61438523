import ipaddr from 'ipaddr.js';
import fetch from 'node-fetch';
import { intervals } from '../intervals.js';
import { mask } from '../secrets.js';
import { proxyAgent } from './proxy.js';
import { urlProblem } from './secure-url.js';

const MAX_REDIRECTS = 5;

/**
 * The runner's public IPv4 address, from the first URL that answers one: each is asked in turn,
 * through the runner's proxy settings, within 5 s. Only a valid public (unicast) IPv4 address
 * counts: a proxy's page, a private or an IPv6 address is the next URL's turn. Throws, naming each
 * URL and what it answered, when none does.
 */
export async function lookUpPublicIpv4(urls: URL[], log: (line: string) => void): Promise<string> {
  const answers: string[] = [];
  for (const url of urls) {
    const answer = await ask(url);
    if ('ip' in answer) {
      log(`The runner's public IPv4 address is ${answer.ip} (from ${url.href}).`);
      return answer.ip;
    }
    answers.push(`${url.href}: ${answer.problem}`);
  }
  throw new Error(
    `No IP lookup URL answered a public IPv4 address (${answers.join('; ')}); nothing was changed. Set ip to the address to allow, or ip-lookup-urls to services this runner can reach.`,
  );
}

async function ask(url: URL): Promise<{ ip: string } | { problem: string }> {
  const controller = new AbortController();
  const timer = setTimeout(() => controller.abort(), intervals.ipLookupTimeoutMs);
  try {
    let target = url;
    for (let hops = 0; ; hops += 1) {
      const response = await fetch(target.href, {
        headers: { Accept: 'text/plain' },
        signal: controller.signal,
        // Followed here, not by fetch: a redirect may lead where the ip-lookup-urls rule does not admit.
        redirect: 'manual',
        agent: await proxyAgent(target, mask),
      });
      const text = (await response.text()).trim();
      const location = response.headers.get('location');
      if (response.status >= 300 && response.status < 400 && location !== null) {
        const next = redirectTarget(location, target, response.status, hops);
        if ('problem' in next) return next;
        target = next.url;
        continue;
      }
      if (!response.ok) return { problem: `HTTP ${response.status}` };
      return checkAddress(text);
    }
  } catch (error) {
    const err = error as { name?: string; code?: string; message?: string };
    return {
      problem:
        err.name === 'AbortError'
          ? `no answer within ${intervals.ipLookupTimeoutMs / 1000} s`
          : (err.code ?? err.message ?? 'network error'),
    };
  } finally {
    clearTimeout(timer);
  }
}

/** Where a redirect leads, or why it is not followed: only to a URL the ip-lookup-urls rule admits. */
function redirectTarget(location: string, from: URL, status: number, hops: number): { url: URL } | { problem: string } {
  let url: URL;
  try {
    url = new URL(location, from);
  } catch {
    return { problem: `answered HTTP ${status}, a redirect to ${JSON.stringify(location.slice(0, 80))}, which is not a URL` };
  }
  if (hops >= MAX_REDIRECTS) return { problem: `answered more than ${MAX_REDIRECTS} redirects` };
  const problem = urlProblem(url);
  if (problem === 'credentials')
    return { problem: `answered HTTP ${status}, a redirect to a URL that carries credentials (not shown), not followed` };
  if (problem === 'unencrypted') {
    // Without its query: a token there is not the step's to print.
    const shown = `${url.origin}${url.pathname}`;
    return { problem: `answered HTTP ${status}, a redirect to ${shown}, which uses ${url.protocol}// to ${url.hostname}, not followed` };
  }
  return { url };
}

/**
 * Ranges no public lookup answers for a runner: its own network, the machine, or no one. Reserved
 * and documentation blocks pass: a test network or a lab may well route them.
 */
const NOT_PUBLIC = new Set(['unspecified', 'broadcast', 'multicast', 'linkLocal', 'loopback', 'private', 'carrierGradeNat']);

/** A public IPv4 address, or why the text is not one. */
export function checkAddress(text: string): { ip: string } | { problem: string } {
  const shown = JSON.stringify(text.length > 40 ? `${text.slice(0, 40)}…` : text);
  if (!ipaddr.IPv4.isValidFourPartDecimal(text)) return { problem: `answered ${shown}, not an IPv4 address` };
  const range = ipaddr.IPv4.parse(text).range();
  if (NOT_PUBLIC.has(range)) return { problem: `answered ${shown}, a ${range} address, not a public one` };
  return { ip: ipaddr.IPv4.parse(text).toString() };
}
