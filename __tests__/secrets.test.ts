import { describe, expect, test } from '@jest/globals';
import { readFileSync } from 'node:fs';
import { mask, redact, scrub } from '../src/secrets.js';
import { ACTION_VERSION } from '../src/version.js';

describe('redact', () => {
  test('secret fields and known secret values become ***, the rest stays', () => {
    const result = { key: { id: 'u', name: 'n' }, keyId: 'abc', keySecret: 'xyz', note: 'leaked abc', list: ['xyz'] };
    expect(redact(result, ['xyz'])).toEqual({
      key: { id: 'u', name: 'n' },
      keyId: 'abc',
      keySecret: '***',
      note: 'leaked abc',
      list: ['***'],
    });
  });

  test('a secret inside a longer string is replaced where it stands, the longest secret first', () => {
    const result = { message: 'your secret is 4b1dSECRET, prefix 4b1d', nested: [{ url: 'https://u:4b1dSECRET@host' }] };
    expect(redact(result, ['4b1d', '4b1dSECRET'])).toEqual({
      message: 'your secret is ***, prefix ***',
      nested: [{ url: 'https://u:***@host' }],
    });
  });
});

test('a secret with spaces around it is masked as the step uses it too: trimmed', () => {
  mask('  s3cr3t-with-spaces  ');
  expect(scrub('the API said: s3cr3t-with-spaces is wrong')).toBe('the API said: *** is wrong');
});

test("the User-Agent version is package.json's", () => {
  const pkg = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as { version: string };
  expect(ACTION_VERSION).toBe(pkg.version);
});
