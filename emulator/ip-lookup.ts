/**
 * A loopback stand-in for an IP lookup service (checkip.amazonaws.com and the like): it answers
 * the configured text as plain text, or a status, a redirect, or nothing for a while, and records each ask.
 * For the tests and the demo; never used by src/.
 */
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface IpLookupReply {
  /** The body, as the services send it: the address and a newline. */
  answer?: string;
  status?: number;
  /** Answer only after this long (a lookup that hangs). */
  delayMs?: number;
  /** Answer 302 with this Location instead (a lookup service that moved, or one that misleads). */
  redirectTo?: string;
}

export interface IpLookup {
  url: string;
  asked: number;
  reply: IpLookupReply;
  close(): Promise<void>;
}

export async function startIpLookup(reply: IpLookupReply): Promise<IpLookup> {
  const timers = new Set<NodeJS.Timeout>();
  const lookup: IpLookup = { url: '', asked: 0, reply, close: () => Promise.resolve() };
  const server = createServer((_req, res) => {
    lookup.asked += 1;
    const { answer = '', status = 200, delayMs = 0, redirectTo } = lookup.reply;
    const timer = setTimeout(() => {
      timers.delete(timer);
      if (redirectTo !== undefined) res.writeHead(302, { Location: redirectTo }).end();
      else res.writeHead(status, { 'Content-Type': 'text/plain' }).end(answer);
    }, delayMs);
    timers.add(timer);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  lookup.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/`;
  lookup.close = () =>
    new Promise((resolve) => {
      for (const timer of timers) clearTimeout(timer);
      server.close(() => resolve());
      server.closeAllConnections();
    });
  return lookup;
}
