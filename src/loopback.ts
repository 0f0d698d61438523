/** A host on this machine: where plain http is allowed (the local emulator), and nowhere else. */
export const isLoopbackHost = (hostname: string): boolean => /^(localhost|127(?:\.\d{1,3}){3}|\[::1\])$/i.test(hostname);
