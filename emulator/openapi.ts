import { readFileSync } from 'node:fs';
import { Ajv, type ErrorObject, type ValidateFunction } from 'ajv';

type SchemaNode = Record<string, unknown>;

interface ParameterObject {
  in: 'path' | 'query' | 'header' | 'cookie';
  name: string;
  required?: boolean;
  schema: SchemaNode;
}

interface MediaTypes {
  content?: Record<string, { schema: SchemaNode }>;
}

interface OperationObject {
  parameters?: ParameterObject[];
  requestBody?: MediaTypes;
  responses: Record<string, MediaTypes>;
}

interface OpenApiDocument {
  paths: Record<string, Record<string, OperationObject>>;
  components: { schemas: Record<string, SchemaNode> };
}

export interface Parameter {
  name: string;
  required: boolean;
  /** A list, sent as the parameter repeated (`filter=a&filter=b`). */
  array: boolean;
  validate: ValidateFunction;
}

export interface Operation {
  /** Upper-case HTTP method. */
  method: string;
  /** Path template as written in the document, e.g. `/v1/organizations/{organizationId}`. */
  template: string;
  pattern: RegExp;
  /** In the order they appear in the template, matching the pattern's capture groups. */
  pathParams: Parameter[];
  queryParams: Parameter[];
  validateBody?: ValidateFunction;
  responses: Map<number, ValidateFunction>;
}

export interface OpenApi {
  operations: Operation[];
  /** A validator for `#/components/schemas/<name>`, closed like every other. */
  component(name: string): ValidateFunction;
  /** The `enum` of a component's property, straight from the document. */
  enumOf(component: string, property: string): string[];
}

// The document's schemas carry nothing but these validation keywords; anything else would be a
// rule this closing step does not understand, so it fails loudly instead of validating less.
const VALUE_KEYWORDS = new Set([
  'type',
  'format',
  'enum',
  'minimum',
  'maximum',
  'multipleOf',
  'minLength',
  'maxLength',
  'pattern',
  'minItems',
  'maxItems',
  'required',
]);
const ANNOTATIONS = new Set(['description', 'example', 'examples', 'default', 'deprecated', 'nullable']);
const REF_PREFIX = '#/components/schemas/';

/**
 * Rewrites an OpenAPI 3.0 or 3.1 schema into a JSON Schema that a strict server would apply: `$ref`s
 * inlined, every object closed (the document never says `additionalProperties`, and the emulator
 * must reject any field the document does not name), component schemas that only list
 * `properties` made `type: object`, and `nullable` turned into a `null` type (and enum member).
 */
function closeSchema(node: SchemaNode, components: Record<string, SchemaNode>): SchemaNode {
  if (typeof node.$ref === 'string') {
    const name = node.$ref.startsWith(REF_PREFIX) ? node.$ref.slice(REF_PREFIX.length) : undefined;
    const target = name === undefined ? undefined : components[name];
    if (!target) throw new Error(`unresolvable $ref ${node.$ref}`);
    return closeSchema(target, components);
  }
  const out: SchemaNode = {};
  for (const [keyword, value] of Object.entries(node)) {
    if (ANNOTATIONS.has(keyword)) continue;
    if (VALUE_KEYWORDS.has(keyword)) out[keyword] = value;
    else if (keyword === 'items') out.items = closeSchema(value as SchemaNode, components);
    else if (keyword === 'properties') {
      out.properties = Object.fromEntries(
        Object.entries(value as Record<string, SchemaNode>).map(([name, schema]) => [name, closeSchema(schema, components)]),
      );
    } else throw new Error(`unsupported schema keyword '${keyword}'`);
  }
  if (out.properties !== undefined || out.type === 'object') {
    out.type = 'object';
    out.additionalProperties = false;
  }
  // 3.0 spells a nullable field `nullable: true`, 3.1 `type: [T, "null"]`; either way an enum takes null too.
  if (node.nullable === true) out.type = [out.type, 'null'];
  if (Array.isArray(out.type) && out.type.includes('null') && Array.isArray(out.enum) && !out.enum.includes(null)) {
    out.enum = [...(out.enum as unknown[]), null];
  }
  return out;
}

// RFC 3339 section 5.6 to the letter: upper-case `T` and `Z`, offsets with a colon. ajv-formats
// also takes a space separator, lower case and `+0100`, which a strict server would not.
const DATE_TIME = /^(\d{4})-(\d{2})-(\d{2})T([01]\d|2[0-3]):[0-5]\d:[0-5]\d(?:\.\d+)?(?:Z|[+-](?:[01]\d|2[0-3]):[0-5]\d)$/;

function isDateTime(value: string): boolean {
  const match = DATE_TIME.exec(value);
  if (!match) return false;
  const [year, month, day] = [Number(match[1]), Number(match[2]), Number(match[3])];
  const date = new Date(Date.UTC(year, month - 1, day));
  return date.getUTCFullYear() === year && date.getUTCMonth() === month - 1 && date.getUTCDate() === day;
}

// ajv-formats' uuid also accepts a `urn:uuid:` prefix; an ID in a path never has one.
export const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

function pointerToField(pointer: string): string {
  let field = '';
  for (const raw of pointer.split('/').slice(1)) {
    const segment = raw.replace(/~1/g, '/').replace(/~0/g, '~');
    field += /^\d+$/.test(segment) ? `[${segment}]` : field === '' ? segment : `.${segment}`;
  }
  return field;
}

/** One sentence per ajv error, naming the offending field the way a client wrote it. */
export function describeErrors(errors: ErrorObject[] | null | undefined, subject: string): string {
  return (errors ?? [])
    .map((error) => {
      const field = pointerToField(error.instancePath);
      const name = field === '' ? subject : `'${field}'`;
      switch (error.keyword) {
        case 'additionalProperties': {
          const extra = String(error.params.additionalProperty);
          return `unknown field '${field === '' ? extra : `${field}.${extra}`}'`;
        }
        case 'type':
          return `${name} must be ${[error.params.type].flat().join(' or ')}`;
        case 'enum':
          return `${name} must be one of ${(error.params.allowedValues as unknown[]).map((v) => JSON.stringify(v)).join(', ')}`;
        case 'format':
          return `${name} must be a valid ${String(error.params.format)}`;
        default:
          return `${name} ${error.message ?? 'is invalid'}`;
      }
    })
    .join('; ');
}

let cached: OpenApi | undefined;

/** The document, read once per process (it is static) and compiled into validators. */
export function loadOpenApi(): OpenApi {
  if (cached) return cached;
  const document = JSON.parse(
    readFileSync(new URL('../src/api/clickhouse-cloud-openapi.json', import.meta.url), 'utf8'),
  ) as OpenApiDocument;
  const components = document.components.schemas;
  const ajv = new Ajv({ allErrors: true, strict: true, allowUnionTypes: true });
  ajv.addFormat('uuid', UUID);
  ajv.addFormat('date-time', isDateTime);
  const compile = (schema: SchemaNode) => ajv.compile(closeSchema(schema, components));

  const operations: Operation[] = [];
  for (const [template, item] of Object.entries(document.paths)) {
    for (const [method, operation] of Object.entries(item)) {
      const parameters = operation.parameters ?? [];
      const unsupported = parameters.find((p) => p.in !== 'path' && p.in !== 'query');
      if (unsupported) throw new Error(`unsupported ${unsupported.in} parameter in ${method} ${template}`);
      const toParameter = (p: ParameterObject): Parameter => ({
        name: p.name,
        required: p.required === true,
        array: p.schema.type === 'array',
        validate: compile(p.schema),
      });
      const pathNames = [...template.matchAll(/\{([^}]+)\}/g)].map((m) => m[1] as string);
      const pathParams = pathNames.map((name) => {
        const declared = parameters.find((p) => p.in === 'path' && p.name === name);
        if (!declared) throw new Error(`path parameter ${name} of ${method} ${template} is not declared`);
        return toParameter(declared);
      });
      const bodySchema = operation.requestBody?.content?.['application/json']?.schema;
      const responses = new Map<number, ValidateFunction>();
      for (const [status, response] of Object.entries(operation.responses)) {
        const schema = response.content?.['application/json']?.schema;
        if (schema) responses.set(Number(status), compile(schema));
      }
      operations.push({
        method: method.toUpperCase(),
        template,
        pattern: new RegExp(`^${template.replace(/\{[^}]+\}/g, '([^/]+)')}$`),
        pathParams,
        queryParams: parameters.filter((p) => p.in === 'query').map(toParameter),
        ...(bodySchema ? { validateBody: compile(bodySchema) } : {}),
        responses,
      });
    }
  }

  const componentValidators = new Map<string, ValidateFunction>();
  const component = (name: string): ValidateFunction => {
    let validate = componentValidators.get(name);
    if (!validate) {
      validate = compile({ $ref: `${REF_PREFIX}${name}` });
      componentValidators.set(name, validate);
    }
    return validate;
  };
  const enumOf = (name: string, property: string): string[] => {
    const properties = components[name]?.properties as Record<string, SchemaNode> | undefined;
    const values = properties?.[property]?.enum;
    if (!Array.isArray(values)) throw new Error(`${name}.${property} has no enum`);
    return values as string[];
  };
  cached = { operations, component, enumOf };
  return cached;
}
