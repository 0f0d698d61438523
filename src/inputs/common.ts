import { InputError, quote } from './errors.js';
import { parseDuration } from './duration.js';
import { parseUuid, readInput, requireInput } from './read.js';
import { CREDENTIAL_ENV, ORGANIZATION_ENV } from '../secrets.js';
import { urlProblem } from '../api/secure-url.js';

export const OPERATIONS = [
  'create-key',
  'delete-key',
  'prune-keys',
  'create-private-endpoint',
  'create-reverse-private-endpoint',
  'delete-reverse-private-endpoint',
  'allow-runner-ip',
  'start-service',
  'create-service',
  'delete-service',
  'prune-services',
] as const;
export type Operation = (typeof OPERATIONS)[number];

export interface Credentials {
  keyId: string;
  secret: string;
  /** True when they came from CLICKHOUSE_CLOUD_API_KEY/SECRET rather than the inputs. */
  fromEnv: boolean;
}

export interface CommonSettings {
  operation: Operation;
  organizationId: string;
  apiUrl: URL;
  credentials: Credentials;
  maxAttempts: number;
  requestTimeoutMs: number;
  rateLimitWaitMs: number;
}

export function readOperation(): Operation {
  const value = requireInput('operation', OPERATIONS.join(', '));
  const operation = OPERATIONS.find((name) => name === value.toLowerCase());
  if (!operation) throw new InputError('operation', `is ${quote(value)}, not an operation this action knows`, OPERATIONS.join(', '));
  return operation;
}

export function readCommon(operation: Operation): CommonSettings {
  return {
    operation,
    organizationId: readOrganization(),
    apiUrl: readApiUrl(),
    credentials: readCredentials(),
    maxAttempts: readMaxAttempts(),
    requestTimeoutMs: parseDuration('request-timeout', readInput('request-timeout') ?? '30s', 10 * 60_000),
    rateLimitWaitMs: parseDuration('rate-limit-wait', readInput('rate-limit-wait') ?? '10m', 6 * 3_600_000),
  };
}

/** The input, else CLICKHOUSE_ORG_ID, the variable the vendor's Terraform provider reads. */
function readOrganization(): string {
  const value = readInput('organization') ?? (process.env[ORGANIZATION_ENV]?.trim() || undefined);
  if (value === undefined) {
    throw new InputError(
      'organization',
      `is required but empty, and ${ORGANIZATION_ENV} is not set`,
      `the organization ID (a UUID) from the ClickHouse Cloud console, as the input or in ${ORGANIZATION_ENV}`,
    );
  }
  return parseUuid('organization', value);
}

export function readService(): string {
  return parseUuid('service', requireInput('service', 'the service ID (a UUID) from the ClickHouse Cloud console'));
}

/** Both halves from one source: a key ID from the inputs with a secret from the environment is a mistake. */
function readCredentials(): Credentials {
  const keyId = readInput('api-key-id');
  const secret = readInput('api-key-secret');
  if (keyId && secret) return { keyId, secret, fromEnv: false };
  if (!keyId && !secret) {
    const envId = process.env[CREDENTIAL_ENV.keyId]?.trim();
    const envSecret = process.env[CREDENTIAL_ENV.secret]?.trim();
    if (envId && envSecret) return { keyId: envId, secret: envSecret, fromEnv: true };
  }
  const missing = keyId ? 'api-key-secret' : 'api-key-id';
  throw new InputError(
    missing,
    'is empty',
    `the ClickHouse Cloud API key ${missing === 'api-key-id' ? 'ID' : 'secret'}, usually from a repository secret; or leave both api-key-id and api-key-secret empty and set ${CREDENTIAL_ENV.keyId} and ${CREDENTIAL_ENV.secret}`,
  );
}

/**
 * An `https` URL, or `http` to a loopback host (the one place an unencrypted request cannot cross
 * a network); `what` says the value in the error ("is ...", "has ...").
 */
export function parseSecureUrl(input: string, value: string, accepted: string, what = 'is'): URL {
  // A value with an "@" is never quoted, parsed or not: what stands before it may be a password.
  const shown = value.includes('@') ? 'a value with "@" (not shown: it may carry credentials)' : quote(value);
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw new InputError(input, `${what} ${shown}, not a URL`, accepted);
  }
  const problem = urlProblem(url);
  // The value never quoted: the error would show the password.
  if (problem === 'credentials') throw new InputError(input, `${what} a URL that carries credentials (not shown)`, accepted);
  if (problem === 'unencrypted') {
    throw new InputError(
      input,
      `${what} ${shown}, which uses ${url.protocol}// to ${url.hostname}: it would cross the network unencrypted`,
      accepted,
    );
  }
  return url;
}

function readApiUrl(): URL {
  const value = readInput('api-url') ?? 'https://api.clickhouse.cloud';
  const accepted =
    'an https:// URL such as https://api.clickhouse.cloud, or http:// to a loopback host (127.0.0.1, localhost) for a local emulator';
  const url = parseSecureUrl('api-url', value, accepted);
  if (url.search || url.hash) throw new InputError('api-url', 'carries a query or a fragment', accepted);
  return url;
}

function readMaxAttempts(): number {
  const value = readInput('max-attempts') ?? '5';
  const attempts = /^\d+$/.test(value) ? Number(value) : Number.NaN;
  if (!(attempts >= 1 && attempts <= 20)) {
    throw new InputError('max-attempts', `is ${quote(value)}`, 'a whole number from 1 (no retries) to 20');
  }
  return attempts;
}
