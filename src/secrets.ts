import * as core from '@actions/core';

export const CREDENTIAL_ENV = { keyId: 'CLICKHOUSE_CLOUD_API_KEY', secret: 'CLICKHOUSE_CLOUD_API_SECRET' } as const;
/** Not a secret, but read beside the credentials: the vendor's Terraform provider takes it from here too. */
export const ORGANIZATION_ENV = 'CLICKHOUSE_ORG_ID';
const MASK = '***';

/** Every value this step hides, so text the step did not write (API error text) can be scrubbed of them too. */
const hidden = new Set<string>();

/**
 * Registers a value with the runner's log masker; each line too, trimmed, since the runner masks
 * line by line and the step uses a value read from the environment trimmed.
 */
export function mask(value: string | undefined): void {
  if (!value) return;
  core.setSecret(value);
  hide(value);
  for (const line of value.split(/\r?\n/)) {
    const trimmed = line.trim();
    if (trimmed !== '' && trimmed !== value) {
      core.setSecret(trimmed);
      hide(trimmed);
    }
  }
}

/**
 * Scrubs a value from text the step passes on without masking it in the runner's log: a key ID is
 * not secret on its own (outputs name new ones), but an API error that echoes it with the secret
 * must not carry either.
 */
export function hide(value: string | undefined): void {
  if (value && value.length >= 4) hidden.add(value);
}

/** Text from outside (an API error) with every hidden value, longest first, replaced by `***`. */
export function scrub(text: string): string {
  return replaceAll(text, [...hidden]);
}

/** `text` with each of `values`, longest first (a shorter one may be part of it), replaced by `***`. */
function replaceAll(text: string, values: readonly string[]): string {
  return [...values]
    .filter((value) => value !== '')
    .sort((a, b) => b.length - a.length)
    .reduce((out, value) => out.split(value).join(MASK), text);
}

/**
 * Masks every secret the step was given, before anything else runs: the `api-key-secret` input
 * and the vendor variable it falls back to. Read raw here so a later parse error cannot echo it.
 */
export function maskSuppliedSecrets(): void {
  mask(core.getInput('api-key-secret'));
  mask(process.env[CREDENTIAL_ENV.secret]);
  hide(core.getInput('api-key-id').trim());
  hide(process.env[CREDENTIAL_ENV.keyId]?.trim());
}

/** The basic-auth header value, masked (with its base64 body) before it exists anywhere else. */
export function basicAuthorization(keyId: string, secret: string): string {
  const token = Buffer.from(`${keyId}:${secret}`).toString('base64');
  mask(token);
  hide(keyId);
  return `Basic ${token}`;
}

/** Fields of the API's results that hold a secret, whatever their nesting. */
const SECRET_FIELDS = new Set(['keySecret', 'password']);

/**
 * A copy of `value` fit for outputs and the summary: secret fields become `***`, and so does a
 * known secret wherever it stands, also inside a longer string (a field the API adds later).
 */
export function redact(value: unknown, secrets: readonly string[]): unknown {
  if (typeof value === 'string') return replaceAll(value, secrets);
  if (Array.isArray(value)) return value.map((item) => redact(item, secrets));
  if (typeof value === 'object' && value !== null) {
    return Object.fromEntries(
      Object.entries(value).map(([key, item]) => [key, SECRET_FIELDS.has(key) && item != null ? MASK : redact(item, secrets)]),
    );
  }
  return value;
}
