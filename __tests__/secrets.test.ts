import { describe, expect, test } from '@jest/globals';
import { readFileSync } from 'node:fs';
import { redact } from '../src/secrets.js';
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
});

test("the User-Agent version is package.json's", () => {
  const pkg = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as { version: string };
  expect(ACTION_VERSION).toBe(pkg.version);
});
