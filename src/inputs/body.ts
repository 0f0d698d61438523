import { type BodySchema, isPlainObject, schemaProblems } from '../api/body-schema.js';
import { InputError } from './errors.js';
import { readInput } from './read.js';

const ACCEPTED = "a JSON or YAML object with the request body in the API's own field names";

/**
 * The `body` input as an object. JSON is read directly; only other text loads the YAML parser,
 * which costs every step that has no body a few milliseconds at start-up otherwise.
 */
export async function readBodyInput(): Promise<Record<string, unknown>> {
  const text = readInput('body');
  if (text === undefined) return {};
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    // Left to node by the bundler, so the bundle loads dist/yaml.js only here (yaml.ts says why).
    const { parse } = await import(/* webpackIgnore: true */ './yaml.js');
    try {
      value = parse(text);
    } catch (error) {
      const reason = error instanceof Error ? error.message.split('\n')[0] : String(error);
      throw new InputError('body', `is neither JSON nor YAML (${reason})`, ACCEPTED);
    }
  }
  if (!isPlainObject(value)) throw new InputError('body', 'is not an object', ACCEPTED);
  return value;
}

/**
 * Checks the body against the operation's request schema from the vendor's document (closed,
 * like the API), so a misspelt field fails here instead of being sent.
 */
export function checkBody(schema: BodySchema, body: Record<string, unknown>): Record<string, unknown> {
  const problems = schemaProblems(schema, body, 'body');
  const accepted = `a JSON or YAML object with the request's fields: ${Object.keys(schema.properties ?? {}).join(', ')}`;
  if (problems.length > 0) throw new InputError('body', `does not fit the API: ${problems.join('; ')}`, accepted);
  return body;
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
