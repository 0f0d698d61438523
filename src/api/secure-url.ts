/** A host on this machine: where plain http is allowed (the local emulator), and nowhere else. */
export const isLoopbackHost = (hostname: string): boolean => /^(localhost|127(?:\.\d{1,3}){3}|\[::1\])$/i.test(hostname);

/**
 * What keeps a URL from being asked: credentials in it (they would end up in logs and requests
 * to whoever answers), or plain `http` to anything but a loopback host (the one place an
 * unencrypted request cannot cross a network). Undefined when it may be asked.
 */
export function urlProblem(url: URL): 'credentials' | 'unencrypted' | undefined {
  if (url.username || url.password) return 'credentials';
  if (url.protocol !== 'https:' && !(url.protocol === 'http:' && isLoopbackHost(url.hostname))) return 'unencrypted';
  return undefined;
}
