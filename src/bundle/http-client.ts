/**
 * Stands in for @actions/http-client in the bundle (tsconfig `paths`). @actions/core loads it at
 * start-up for OIDC tokens, which this action never asks for, and it loads undici (440 kB) and
 * tunnel in turn; every step paid for them. Should anything call it after all, it says so
 * instead of failing obscurely.
 */
const absent = () => new Error('@actions/http-client is not part of the clickhouse-cloud-action bundle (see src/bundle/http-client.ts)');

export class HttpClient {
  constructor() {
    throw absent();
  }
}

export class BearerCredentialHandler {
  constructor() {
    throw absent();
  }
}
