import { createHash, randomInt } from 'node:crypto';
import type { ApiKeyHashData } from '../api/types.js';

const ALPHANUMERIC = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';

function randomText(length: number): string {
  return Array.from({ length }, () => ALPHANUMERIC[randomInt(ALPHANUMERIC.length)]).join('');
}

/**
 * A key made on the runner, shaped like the API's own: a 20-character alphanumeric key ID and a
 * secret of `4b1d` and 38 alphanumerics (about 226 random bits). Same alphabet and lengths, so the
 * key looks and behaves like one the console made in every tool that reads it.
 */
export function generateLocalKey(): { keyId: string; secret: string } {
  return { keyId: randomText(20), secret: `4b1d${randomText(38)}` };
}

/** base64 of the raw SHA-256 digest: the document's `sha256sum | xxd -r -p | base64`. */
export function sha256Base64(text: string): string {
  return createHash('sha256').update(text, 'utf8').digest('base64');
}

export function hashDataFor(keyId: string, secret: string): ApiKeyHashData {
  return { keyIdHash: sha256Base64(keyId), keyIdSuffix: keyId.slice(-4), keySecretHash: sha256Base64(secret) };
}
