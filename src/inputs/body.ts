import { parse } from 'yaml';
import { type BodySchema, isPlainObject, schemaProblems } from '../api/body-schema.js';
import { InputError } from './errors.js';
import { readInput } from './read.js';

/**
 * The `body` input: a JSON or YAML object in the API's own field names, checked against the
 * operation's request schema from the vendor's document (closed, like the API), so a misspelt
 * field fails here instead of being sent.
 */
export function readBody(schema: BodySchema): Record<string, unknown> {
  const text = readInput('body');
  if (text === undefined) return {};
  const accepted = `a JSON or YAML object with the request's fields: ${Object.keys(schema.properties ?? {}).join(', ')}`;
  let value: unknown;
  try {
    value = parse(text);
  } catch (error) {
    const reason = error instanceof Error ? error.message.split('\n')[0] : String(error);
    throw new InputError('body', `is neither JSON nor YAML (${reason})`, accepted);
  }
  if (!isPlainObject(value)) throw new InputError('body', 'is not an object', accepted);
  const problems = schemaProblems(schema, value, 'body');
  if (problems.length > 0) throw new InputError('body', `does not fit the API: ${problems.join('; ')}`, accepted);
  return value;
}

/**
 * Precedence for a body field (interface page): its input, then the `body` key, then the default.
 * `fromInput` parses the input's text; `fromBody` checks what `body` held (already the API's type).
 */
export function pick<T>(
  input: string,
  body: Record<string, unknown>,
  field: string,
  fromInput: (text: string) => T,
  fromBody: (value: unknown) => T,
  fallback: () => T,
): T {
  const text = readInput(input);
  if (text !== undefined) return fromInput(text);
  if (field in body) return fromBody(body[field]);
  return fallback();
}
