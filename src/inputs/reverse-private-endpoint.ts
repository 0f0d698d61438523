import { kebabCase } from '../api/fields.js';
import { requestSchemas } from '../api/request-schemas.js';
import type { CreateReversePrivateEndpoint, ReversePrivateEndpointStatus, ReversePrivateEndpointType } from '../api/types.js';
import { checkBody, pick } from './body.js';
import { type CommonSettings, readService } from './common.js';
import { parseDuration } from './duration.js';
import { InputError, quote } from './errors.js';
import { stepMark } from './key-name.js';
import { readBoolean, readChoice, readInput, splitList } from './read.js';

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
/**
 * Each type's own fields, and the shapes users most often get wrong (a bare ID where a name is
 * due, another type's value); the parts inside are the cloud's to judge, not refused here.
 */
const TYPE_FIELDS: Record<ReversePrivateEndpointType, FieldRule[]> = {
  VPC_ENDPOINT_SERVICE: [
    {
      field: 'vpcEndpointServiceName',
      form: 'com.amazonaws.vpce.<region>.vpce-svc-<id>, e.g. com.amazonaws.vpce.us-east-1.vpce-svc-0123456789abcdef0',
      pattern: /^com\.amazonaws\.vpce\.[a-z0-9-]+\.vpce-svc-[0-9a-z]+$/,
    },
  ],
  VPC_RESOURCE: [
    { field: 'vpcResourceConfigurationId', form: 'rcfg-<hex digits>, e.g. rcfg-0123456789abcdef0', pattern: /^rcfg-[0-9a-z]+$/ },
    {
      field: 'vpcResourceShareArn',
      form: 'arn:aws:ram:<region>:<12-digit account>:resource-share/<id>',
      pattern: new RegExp(`^${ARN_PARTITION}:ram:[a-z0-9-]+:\\d{12}:resource-share/[A-Za-z0-9-]+$`),
    },
  ],
  MSK_MULTI_VPC: [
    {
      field: 'mskClusterArn',
      form: 'arn:aws:kafka:<region>:<12-digit account>:cluster/<name>/<uuid>',
      pattern: new RegExp(`^${ARN_PARTITION}:kafka:[a-z0-9-]+:\\d{12}:cluster/[A-Za-z0-9-]+(?:/[A-Za-z0-9-]+)?$`),
    },
    { field: 'mskAuthentication', form: 'SASL_IAM or SASL_SCRAM', pattern: /^(?:SASL_IAM|SASL_SCRAM)$/ },
  ],
  GCP_PSC_SERVICE_ATTACHMENT: [
    {
      field: 'gcpServiceAttachment',
      form: 'projects/<project>/regions/<region>/serviceAttachments/<name>, e.g. projects/my-project/regions/us-central1/serviceAttachments/my-service',
      // The document's form, each part one path segment: GCP's own naming rules are its to enforce.
      pattern: /^projects\/[^/\s]+\/regions\/[^/\s]+\/serviceAttachments\/[^/\s]+$/,
    },
  ],
};

/** The fields that say what an endpoint connects to: its type and every type's own fields. */
export const TARGET_FIELDS = ['type', ...Object.values(TYPE_FIELDS).flatMap((rules) => rules.map((rule) => rule.field))] as const;

/** The API refuses custom private DNS names for this type. */
const NO_DNS_MAPPINGS: ReversePrivateEndpointType = 'MSK_MULTI_VPC';
const DNS_NAME_FORM =
  'DNS names such as db.example.com, or with a leading wildcard such as *.example.com, one per line or comma-separated, each once';
// RFC 1123 labels (letters, digits, inner hyphens, at most 63 characters), at least two of them.
const DNS_NAME = /^(?:\*\.)?(?:[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z](?:[a-z0-9-]{0,61}[a-z0-9])?$/i;

/** The statuses that end a wait-for-ready in failure; a wait never ends well on them. */
export const FAILED_STATUSES: readonly ReversePrivateEndpointStatus[] = ['Failed', 'Rejected', 'Expired'];
const WAIT_STATUSES = Object.keys({
  Ready: 0,
  PendingAcceptance: 0,
  Provisioning: 0,
  Deleting: 0,
  Unknown: 0,
  Failed: 0,
  Rejected: 0,
  Expired: 0,
} satisfies Record<ReversePrivateEndpointStatus, 0>).filter(
  (status) => !FAILED_STATUSES.includes(status as ReversePrivateEndpointStatus),
) as ReversePrivateEndpointStatus[];

export const IF_EXISTS = ['reuse', 'create'] as const;

export interface ReversePrivateEndpointSettings {
  operation: 'create-reverse-private-endpoint';
  common: CommonSettings;
  serviceId: string;
  /** The description sent ends with ` [<mark>]`: the one proof that an endpoint is this step's. */
  mark: string;
  request: CreateReversePrivateEndpoint & { description: string; type: ReversePrivateEndpointType };
  ifExists: (typeof IF_EXISTS)[number];
  waitForReady: boolean;
  /** The statuses that end the wait. */
  waitUntil: ReversePrivateEndpointStatus[];
  waitTimeoutMs: number;
}

/** The description as sent: the user's, then the step's mark. */
const markedDescription = (description: string, mark: string) => `${description} [${mark}]`;

export function readReversePrivateEndpoint(common: CommonSettings, bodyInput: Record<string, unknown>): ReversePrivateEndpointSettings {
  const serviceId = readService();
  const body = checkBody(schema, bodyInput);
  const mark = stepMark();
  const description = pick(
    'description',
    body,
    'description',
    (text) => checkDescription('description', text, mark),
    (value) => checkDescription('description', value as string, mark),
    () => {
      throw new InputError('description', 'is required but empty', descriptionForm(mark));
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
  const request: ReversePrivateEndpointSettings['request'] = { description: markedDescription(description, mark), type };
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
    mark,
    request,
    ifExists: readChoice('if-exists', IF_EXISTS, 'reuse'),
    waitForReady: readBoolean('wait-for-ready', false),
    waitUntil: readWaitUntil(),
    waitTimeoutMs: parseDuration('wait-timeout', readInput('wait-timeout') ?? '15m'),
  };
}

function fieldList(type: ReversePrivateEndpointType): string {
  return TYPE_FIELDS[type].map((rule) => kebabCase(rule.field)).join(' and ');
}

function descriptionForm(mark: string): string {
  const room = MAX_DESCRIPTION - markedDescription('', mark).length;
  return `a description of at most ${room} characters (the API takes ${MAX_DESCRIPTION}, and the step appends its mark " [${mark}]")`;
}

function checkDescription(input: string, text: string, mark: string): string {
  const sent = markedDescription(text, mark).length;
  if (sent > MAX_DESCRIPTION)
    throw new InputError(input, `has ${text.length} characters, ${sent} with the step's mark`, descriptionForm(mark));
  if (text.trim() === '') throw new InputError(input, 'is empty', descriptionForm(mark));
  return text;
}

function readWaitUntil(): ReversePrivateEndpointStatus[] {
  const accepted = `statuses from ${WAIT_STATUSES.join(', ')}, one per line or comma-separated (${FAILED_STATUSES.join(', ')} always end the wait as a failure)`;
  const statuses = splitList(readInput('wait-until') ?? 'Ready').map((text) => {
    const status = WAIT_STATUSES.find((s) => s.toLowerCase() === text.toLowerCase());
    if (!status) throw new InputError('wait-until', `has ${quote(text)}`, accepted);
    return status;
  });
  if (statuses.length === 0) throw new InputError('wait-until', 'has no status', accepted);
  return statuses;
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
