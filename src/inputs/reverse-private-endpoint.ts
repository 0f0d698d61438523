import { kebabCase } from '../api/fields.js';
import { requestSchemas } from '../api/request-schemas.js';
import type { CreateReversePrivateEndpoint, ReversePrivateEndpointType } from '../api/types.js';
import { checkBody, pick } from './body.js';
import { type CommonSettings, readService } from './common.js';
import { parseDuration } from './duration.js';
import { InputError, quote } from './errors.js';
import { readBoolean, readInput, splitList } from './read.js';

const schema = requestSchemas.CreateReversePrivateEndpoint;
const TYPES = schema.properties.type.enum;
const MAX_DESCRIPTION = 255;

type TypeField = Exclude<keyof CreateReversePrivateEndpoint, 'description' | 'type' | 'customPrivateDnsMappings'>;

interface FieldRule {
  field: TypeField;
  /** What a valid value looks like, shown when the value does not. */
  form: string;
  pattern: RegExp;
}

const ARN_PARTITION = 'arn:aws(?:-[a-z]+)*';
/** Each type's own fields, and the shapes users most often get wrong. */
const TYPE_FIELDS: Record<ReversePrivateEndpointType, FieldRule[]> = {
  VPC_ENDPOINT_SERVICE: [
    {
      field: 'vpcEndpointServiceName',
      form: 'com.amazonaws.vpce.<region>.vpce-svc-<17 hex digits>, e.g. com.amazonaws.vpce.us-east-1.vpce-svc-0123456789abcdef0',
      pattern: /^com\.amazonaws\.vpce\.[a-z]{2}(?:-[a-z]+)+-\d\.vpce-svc-[0-9a-f]{8,17}$/,
    },
  ],
  VPC_RESOURCE: [
    { field: 'vpcResourceConfigurationId', form: 'rcfg-<hex digits>, e.g. rcfg-0123456789abcdef0', pattern: /^rcfg-[0-9a-f]{8,17}$/ },
    {
      field: 'vpcResourceShareArn',
      form: 'arn:aws:ram:<region>:<12-digit account>:resource-share/<id>',
      pattern: new RegExp(`^${ARN_PARTITION}:ram:[a-z]{2}(?:-[a-z]+)+-\\d:\\d{12}:resource-share/[A-Za-z0-9-]+$`),
    },
  ],
  MSK_MULTI_VPC: [
    {
      field: 'mskClusterArn',
      form: 'arn:aws:kafka:<region>:<12-digit account>:cluster/<name>/<uuid>',
      pattern: new RegExp(`^${ARN_PARTITION}:kafka:[a-z]{2}(?:-[a-z]+)+-\\d:\\d{12}:cluster/[A-Za-z0-9-]+(?:/[A-Za-z0-9-]+)?$`),
    },
    { field: 'mskAuthentication', form: 'SASL_IAM or SASL_SCRAM', pattern: /^(?:SASL_IAM|SASL_SCRAM)$/ },
  ],
  GCP_PSC_SERVICE_ATTACHMENT: [
    {
      field: 'gcpServiceAttachment',
      form: 'projects/<project>/regions/<region>/serviceAttachments/<name>, e.g. projects/my-project/regions/us-central1/serviceAttachments/my-service',
      pattern: /^projects\/[a-z][-a-z0-9.:]*[a-z0-9]\/regions\/[a-z]+(?:-[a-z]+)+\d+\/serviceAttachments\/[a-z](?:[-a-z0-9]*[a-z0-9])?$/,
    },
  ],
};

/** The API refuses custom private DNS names for this type. */
const NO_DNS_MAPPINGS: ReversePrivateEndpointType = 'MSK_MULTI_VPC';
const DNS_NAME_FORM =
  'DNS names such as db.example.com, or with a leading wildcard such as *.example.com, one per line or comma-separated, each once';
// RFC 1123 labels (letters, digits, inner hyphens, at most 63 characters), at least two of them.
const DNS_NAME = /^(?:\*\.)?(?:[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z](?:[a-z0-9-]{0,61}[a-z0-9])?$/i;

export interface ReversePrivateEndpointSettings {
  operation: 'create-reverse-private-endpoint';
  common: CommonSettings;
  serviceId: string;
  request: CreateReversePrivateEndpoint & { description: string; type: ReversePrivateEndpointType };
  waitForReady: boolean;
  waitTimeoutMs: number;
}

export function readReversePrivateEndpoint(common: CommonSettings, bodyInput: Record<string, unknown>): ReversePrivateEndpointSettings {
  const serviceId = readService();
  const body = checkBody(schema, bodyInput);
  const description = pick(
    'description',
    body,
    'description',
    (text) => checkDescription('description', text),
    (value) => checkDescription('body.description', value as string),
    () => {
      throw new InputError('description', 'is required but empty', `a description of at most ${MAX_DESCRIPTION} characters`);
    },
  );
  const type = pick(
    'type',
    body,
    'type',
    parseType,
    (value) => value as ReversePrivateEndpointType,
    () => {
      throw new InputError('type', 'is required but empty', TYPES.join(', '));
    },
  );
  const request: ReversePrivateEndpointSettings['request'] = { description, type };
  for (const [otherType, rules] of Object.entries(TYPE_FIELDS)) {
    for (const rule of rules) {
      const input = kebabCase(rule.field);
      const value = pick(
        input,
        body,
        rule.field,
        (text): string | null => text,
        (bodyValue) => bodyValue as string | null,
        () => null,
      );
      const source = readInput(input) === undefined && body[rule.field] != null ? `body.${rule.field}` : input;
      if (otherType === type) request[rule.field] = checkField(source, rule, value, type) as never;
      else if (value !== null) {
        throw new InputError(
          source,
          `belongs to type ${otherType}, not ${type}`,
          `for ${type} only ${fieldList(type)}; remove ${source} or change the type`,
        );
      }
    }
  }
  const mappings = readDnsMappings(body, type);
  if (mappings) request.customPrivateDnsMappings = mappings;
  return {
    operation: 'create-reverse-private-endpoint',
    common,
    serviceId,
    request,
    waitForReady: readBoolean('wait-for-ready', false),
    waitTimeoutMs: parseDuration('wait-timeout', readInput('wait-timeout') ?? '15m'),
  };
}

function fieldList(type: ReversePrivateEndpointType): string {
  return TYPE_FIELDS[type].map((rule) => kebabCase(rule.field)).join(' and ');
}

function checkDescription(input: string, text: string): string {
  if (text.length > MAX_DESCRIPTION) {
    throw new InputError(input, `has ${text.length} characters`, `a description of at most ${MAX_DESCRIPTION} characters`);
  }
  if (text.trim() === '') throw new InputError(input, 'is empty', `a description of at most ${MAX_DESCRIPTION} characters`);
  return text;
}

function parseType(text: string): ReversePrivateEndpointType {
  const type = TYPES.find((t) => t === text.toUpperCase());
  if (!type) throw new InputError('type', `is ${quote(text)}`, TYPES.join(', '));
  return type;
}

function checkField(input: string, rule: FieldRule, value: string | null, type: ReversePrivateEndpointType): string {
  if (value === null || value.trim() === '') throw new InputError(input, `is required for type ${type} but empty`, rule.form);
  if (!rule.pattern.test(value)) throw new InputError(input, `is ${quote(value)}, not of the expected form`, rule.form);
  return value;
}

/** `custom-private-dns-mappings` (or the body's `customPrivateDnsMappings`), checked before any request. */
function readDnsMappings(body: Record<string, unknown>, type: ReversePrivateEndpointType): Array<{ privateDnsName: string }> | undefined {
  const fromInput = readInput('custom-private-dns-mappings') !== undefined;
  const source = fromInput ? 'custom-private-dns-mappings' : 'body.customPrivateDnsMappings';
  const names = pick(
    'custom-private-dns-mappings',
    body,
    'customPrivateDnsMappings',
    splitList,
    (value) => (value as Array<{ privateDnsName?: string }>).map((mapping) => mapping.privateDnsName ?? ''),
    () => undefined,
  );
  if (names === undefined) return undefined;
  if (type === NO_DNS_MAPPINGS) {
    throw new InputError(source, `is not supported for type ${type}`, `no custom private DNS names with ${type}; remove ${source}`);
  }
  const seen = new Set<string>();
  for (const name of names) {
    if (!DNS_NAME.test(name) || name.length > 253) throw new InputError(source, `has ${quote(name)}, not a DNS name`, DNS_NAME_FORM);
    if (seen.has(name.toLowerCase())) throw new InputError(source, `has ${quote(name)} twice`, DNS_NAME_FORM);
    seen.add(name.toLowerCase());
  }
  return names.map((privateDnsName) => ({ privateDnsName }));
}
