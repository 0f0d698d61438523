import { isUuid } from '../uuid.js';

/**
 * Checks a value against one of the document's request schemas (see request-schemas.ts), the
 * way the API does: objects are closed, so an unknown or misspelt field is an error rather than a
 * silently ignored key. Returns the problems as `path: what` strings; empty means valid.
 */
export interface BodySchema {
  readonly type?: string;
  readonly format?: string;
  readonly nullable?: boolean;
  readonly enum?: readonly string[];
  readonly properties?: Readonly<Record<string, BodySchema>>;
  readonly items?: BodySchema;
  readonly required?: readonly string[];
  readonly minimum?: number;
  readonly maximum?: number;
  readonly multipleOf?: number;
  readonly maxItems?: number;
}

const DATE_TIME = /^\d{4}-\d{2}-\d{2}[Tt ]\d{2}:\d{2}:\d{2}(?:\.\d+)?(?:[Zz]|[+-]\d{2}:\d{2})$/;

export function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

export function schemaProblems(schema: BodySchema, value: unknown, path: string): string[] {
  if (value === null) return schema.nullable ? [] : [`${path} may not be null`];
  switch (schema.type) {
    case 'object':
      return objectProblems(schema, value, path);
    case 'array':
      if (!Array.isArray(value)) return [`${path} must be a list`];
      if (schema.maxItems !== undefined && value.length > schema.maxItems) return [`${path} may hold at most ${schema.maxItems} items`];
      return value.flatMap((item, i) => (schema.items ? schemaProblems(schema.items, item, `${path}[${i}]`) : []));
    case 'string':
      return stringProblems(schema, value, path);
    case 'number':
    case 'integer':
      return numberProblems(schema, value, path);
    case 'boolean':
      return typeof value === 'boolean' ? [] : [`${path} must be true or false`];
    default:
      return [];
  }
}

function objectProblems(schema: BodySchema, value: unknown, path: string): string[] {
  if (!isPlainObject(value)) return [`${path} must be an object`];
  const properties = schema.properties ?? {};
  const known = Object.keys(properties);
  const problems: string[] = [];
  for (const [key, item] of Object.entries(value)) {
    const child = properties[key];
    if (child) problems.push(...schemaProblems(child, item, `${path}.${key}`));
    else problems.push(`${path}.${key} is not a field of this request (known: ${known.join(', ')})`);
  }
  for (const key of schema.required ?? []) {
    if (!(key in value)) problems.push(`${path}.${key} is required`);
  }
  return problems;
}

function numberProblems(schema: BodySchema, value: unknown, path: string): string[] {
  if (typeof value !== 'number' || !Number.isFinite(value)) return [`${path} must be a number`];
  if (schema.type === 'integer' && !Number.isInteger(value)) return [`${path} must be a whole number`];
  if (schema.minimum !== undefined && value < schema.minimum) return [`${path} must be at least ${schema.minimum}`];
  if (schema.maximum !== undefined && value > schema.maximum) return [`${path} must be at most ${schema.maximum}`];
  if (schema.multipleOf !== undefined && value % schema.multipleOf !== 0) return [`${path} must be a multiple of ${schema.multipleOf}`];
  return [];
}

function stringProblems(schema: BodySchema, value: unknown, path: string): string[] {
  if (typeof value !== 'string') return [`${path} must be a string`];
  if (schema.enum && !schema.enum.includes(value)) return [`${path} must be one of ${schema.enum.join(', ')}`];
  if (schema.format === 'date-time' && !DATE_TIME.test(value)) return [`${path} must be an ISO-8601 date-time`];
  if (schema.format === 'uuid' && !isUuid(value)) return [`${path} must be a UUID`];
  return [];
}
