/**
 * Stands in for undici in the bundle (tsconfig `paths`). @actions/core and @actions/github load
 * @actions/http-client, which loads undici at start-up for features this action never calls
 * (OIDC tokens, Octokit); undici was 440 kB of the bundle and 30 ms of every step's start.
 * Should anything call it after all, it says so instead of failing obscurely.
 */
export class ProxyAgent {
  constructor() {
    throw new Error('undici is not part of the clickhouse-cloud-action bundle (see src/bundle/undici.ts)');
  }
}
