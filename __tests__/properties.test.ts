import { afterEach, describe, expect, test } from '@jest/globals';
import fc from 'fast-check';
import { parse } from 'yaml';
import { readFileSync } from 'node:fs';
import { OPERATIONS } from '../src/inputs/common.js';
import { InputError } from '../src/inputs/errors.js';
import { readSettings } from '../src/inputs/index.js';
import { BASE_INPUTS, setInputs } from './helpers/inputs.js';

const declared = Object.keys((parse(readFileSync(new URL('../action.yml', import.meta.url), 'utf8')) as { inputs: object }).inputs);
let restore = (): void => undefined;
afterEach(() => restore());

describe('the input parser, on random strings', () => {
  test('either reads settings or throws an InputError naming a declared input', async () => {
    const someInputs = fc.dictionary(
      fc.constantFrom(...declared.filter((name) => name !== 'operation')),
      fc.oneof(fc.string(), fc.string({ unit: 'binary' }), fc.constantFrom('', ' ', '[]', '{}', 'null', '-', 'true', '1h', 'never')),
      { maxKeys: 8 },
    );
    await fc.assert(
      fc.asyncProperty(fc.constantFrom(...OPERATIONS), someInputs, async (operation, inputs) => {
        restore();
        restore = setInputs({ ...BASE_INPUTS, operation, ...inputs });
        try {
          await readSettings();
        } catch (error) {
          if (!(error instanceof InputError)) throw error;
          const named = error.input.replace(/^body\..*/, 'body');
          expect(declared).toContain(named);
          expect(error.message).toMatch(/^Input '[a-zA-Z.-]+' .+\. Accepted: .+\.$/s);
        }
      }),
      { numRuns: 400 },
    );
  });
});
