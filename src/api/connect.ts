import type { Cancellation } from '../cancel.js';
import type { CommonSettings } from '../inputs/common.js';
import { info } from '../log.js';
import { basicAuthorization, mask } from '../secrets.js';
import { ACTION_NAME, ACTION_VERSION } from '../version.js';
import { ApiClient } from './client.js';
import { proxyAgent } from './proxy.js';
import type { PacerRole } from './rate-limit.js';

/** A client for the step's settings; the credentials are masked before the header is built. */
export async function connect(common: CommonSettings, cancellation?: Cancellation, role?: PacerRole): Promise<ApiClient> {
  return new ApiClient({
    baseUrl: common.apiUrl,
    authorization: basicAuthorization(common.credentials.keyId, common.credentials.secret),
    userAgent: `${ACTION_NAME}/${ACTION_VERSION}`,
    timeoutMs: common.requestTimeoutMs,
    maxAttempts: common.maxAttempts,
    rateLimitWaitMs: common.rateLimitWaitMs,
    agent: await proxyAgent(common.apiUrl, mask),
    log: info,
    cancellation,
    role,
  });
}
